"""Which import names a distribution provides, for distributions that do not say it themselves.

An installed distribution lists its files, so the probe reads its import names from them. A
distribution that is only declared (in requirements.txt, pyproject.toml, environment.yml) has no
files to read: its import names come from the table below, or else from the default rule, the
normalized name with "-" read as "_" (``typing-extensions`` -> ``typing_extensions``). Read the
other way, the table says which distribution to install for a missing import (``Bio`` ->
biopython); the default rule is not read backwards, since that would only guess.
"""

from __future__ import annotations

import re

# PEP 503 normalized distribution name -> the import names it provides: top-level names, or
# dotted names for what it places inside a namespace package ("google.protobuf"). Every entry
# is one the default rule gets wrong, or a canonical name listed before its variants so that a
# reverse lookup offers it first ("tensorflow" before "tensorflow-cpu"). Only entries checked
# against the distribution's own file list belong here: `python tests/test_import_names.py
# NAME...` checks them in the published wheels, and the suite re-checks every entry installed
# on the machine running it.
DISTRIBUTION_IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    # --- machine learning --------------------------------------------------------------------
    "scikit-learn": ("sklearn",),
    "scikit-image": ("skimage",),
    "scikit-optimize": ("skopt",),
    "scikit-fuzzy": ("skfuzzy",),
    "scikit-surprise": ("surprise",),
    "imbalanced-learn": ("imblearn",),
    "umap-learn": ("umap",),
    "pot": ("ot",),
    "python-louvain": ("community",),
    "tensorflow": ("tensorflow",),
    "tensorflow-cpu": ("tensorflow",),
    "tensorflow-gpu": ("tensorflow",),
    "tensorflow-macos": ("tensorflow",),
    "tensorflow-intel": ("tensorflow",),
    "tf-nightly": ("tensorflow",),
    "tf-keras": ("tf_keras",),
    "torch": ("torch",),
    "pytorch-lightning": ("pytorch_lightning",),
    "lightning": ("lightning",),
    "pytorch-ignite": ("ignite",),
    "mmcv": ("mmcv",),
    "mmcv-full": ("mmcv",),
    "jax": ("jax",),
    "jaxlib": ("jaxlib",),
    "cupy": ("cupy",),
    "cupy-cuda11x": ("cupy",),
    "cupy-cuda12x": ("cupy",),
    "faiss-cpu": ("faiss",),
    "faiss-gpu": ("faiss",),
    "onnxruntime": ("onnxruntime",),
    "onnxruntime-gpu": ("onnxruntime",),
    "paddlepaddle": ("paddle",),
    "paddlepaddle-gpu": ("paddle",),
    "mlflow": ("mlflow",),
    "mlflow-skinny": ("mlflow",),
    "huggingface-hub": ("huggingface_hub",),
    "openai-whisper": ("whisper",),
    "llama-cpp-python": ("llama_cpp",),
    "pyro-ppl": ("pyro",),
    "hydra-core": ("hydra",),
    "gin-config": ("gin",),
    "python-box": ("box",),
    "tensorboardx": ("tensorboardX",),
    "nvidia-ml-py": ("pynvml",),
    "gputil": ("GPUtil",),
    "absl-py": ("absl",),
    "google-pasta": ("pasta",),
    "antlr4-python3-runtime": ("antlr4",),
    "levenshtein": ("Levenshtein",),
    "google-generativeai": ("google.generativeai",),
    "google-cloud-aiplatform": ("google.cloud.aiplatform", "vertexai"),
    "dm-tree": ("tree",),
    "biopython": ("Bio", "BioSQL"),
    "simpleitk": ("SimpleITK",),
    # --- images, audio, documents ------------------------------------------------------------
    "opencv-python": ("cv2",),
    "opencv-contrib-python": ("cv2",),
    "opencv-python-headless": ("cv2",),
    "opencv-contrib-python-headless": ("cv2",),
    "pillow": ("PIL",),
    "pillow-simd": ("PIL",),
    "pywavelets": ("pywt",),
    "matplotlib": (
        "matplotlib", "pylab", "mpl_toolkits.mplot3d", "mpl_toolkits.axes_grid1", "mpl_toolkits.axisartist",
    ),
    "basemap": ("mpl_toolkits.basemap",),
    "pyopengl": ("OpenGL",),
    "pyqt5": ("PyQt5",),
    "pyqt6": ("PyQt6",),
    "pyside6": ("PySide6",),
    "wxpython": ("wx",),
    "speechrecognition": ("speech_recognition",),
    "ffmpeg-python": ("ffmpeg",),
    "pymupdf": ("fitz", "pymupdf"),
    "pdfminer-six": ("pdfminer",),
    "pypdf2": ("PyPDF2",),
    "python-docx": ("docx",),
    "python-pptx": ("pptx",),
    "python-magic": ("magic",),
    "gdal": ("osgeo",),
    "netcdf4": ("netCDF4",),
    # --- data formats, storage, cloud ---------------------------------------------------------
    "pyyaml": ("yaml",),
    "ruamel-yaml": ("ruamel.yaml",),
    "python-dateutil": ("dateutil",),
    "python-dotenv": ("dotenv",),
    "beautifulsoup4": ("bs4",),
    "protobuf": ("google.protobuf",),
    "grpcio": ("grpc",),
    "grpcio-tools": ("grpc_tools",),
    "google-auth": ("google.auth", "google.oauth2"),
    "google-api-python-client": ("googleapiclient",),
    "google-cloud-storage": ("google.cloud.storage",),
    "google-cloud-bigquery": ("google.cloud.bigquery",),
    "google-cloud-bigquery-storage": ("google.cloud.bigquery_storage",),
    "google-cloud-pubsub": ("google.cloud.pubsub", "google.cloud.pubsub_v1"),
    "google-cloud-firestore": ("google.cloud.firestore",),
    "google-cloud-secret-manager": ("google.cloud.secretmanager",),
    "google-cloud-logging": ("google.cloud.logging",),
    "google-cloud-vision": ("google.cloud.vision",),
    "google-cloud-speech": ("google.cloud.speech",),
    "google-cloud-translate": ("google.cloud.translate",),
    "google-api-core": ("google.api_core",),
    "azure-storage-blob": ("azure.storage.blob",),
    "snowflake-connector-python": ("snowflake.connector",),
    "psycopg2": ("psycopg2",),
    "psycopg2-binary": ("psycopg2",),
    "mysqlclient": ("MySQLdb",),
    "mysql-connector-python": ("mysql.connector",),
    "pymongo": ("pymongo", "bson", "gridfs"),
    "kafka-python": ("kafka",),
    "apache-airflow": ("airflow",),
    "pinecone-client": ("pinecone",),
    # --- crypto, network, system --------------------------------------------------------------
    "pyjwt": ("jwt",),
    "pycryptodome": ("Crypto",),
    "pycryptodomex": ("Cryptodome",),
    "pyopenssl": ("OpenSSL",),
    "pynacl": ("nacl",),
    "dnspython": ("dns",),
    "pysocks": ("socks", "sockshandler"),
    "websocket-client": ("websocket",),
    "pyzmq": ("zmq",),
    "pyserial": ("serial",),
    "pyusb": ("usb",),
    "paho-mqtt": ("paho.mqtt",),
    "python-jose": ("jose",),
    "python-multipart": ("python_multipart", "multipart"),
    "py-cpuinfo": ("cpuinfo",),
    # pywin32's .pth file puts its win32/ and win32/lib/ directories on sys.path.
    "pywin32": ("win32api", "win32con", "win32com"),
    # --- tooling ------------------------------------------------------------------------------
    "attrs": ("attr", "attrs"),
    # Not pkg_resources: setuptools 82 removed it, so "install setuptools" would not bring it.
    "setuptools": ("setuptools", "_distutils_hack"),
    "cython": ("Cython", "cython", "pyximport"),
    "ipython": ("IPython",),
    "pyinstaller": ("PyInstaller",),
    "gitpython": ("git",),
    "python-slugify": ("slugify",),
    "djangorestframework": ("rest_framework",),
    # --- the name to install is the import name -----------------------------------------------
    # The default rule gets these right; they are listed so that a missing import of a package
    # this common gets its install command, where an unlisted name gets no guess.
    "numpy": ("numpy",),
    "pandas": ("pandas",),
    "scipy": ("scipy",),
    "seaborn": ("seaborn",),
    "tqdm": ("tqdm",),
    "wandb": ("wandb",),
    "tensorboard": ("tensorboard",),
    "transformers": ("transformers",),
    "datasets": ("datasets",),
    "accelerate": ("accelerate",),
    "diffusers": ("diffusers",),
    "peft": ("peft",),
    "tokenizers": ("tokenizers",),
    "safetensors": ("safetensors",),
    "sentencepiece": ("sentencepiece",),
    "einops": ("einops",),
    "timm": ("timm",),
    "torchvision": ("torchvision",),
    "torchaudio": ("torchaudio",),
    "keras": ("keras",),
    "flax": ("flax",),
    "optuna": ("optuna",),
    "lightgbm": ("lightgbm",),
    "omegaconf": ("omegaconf",),
    "requests": ("requests",),
    "rich": ("rich",),
    "click": ("click",),
}

# How a distribution in the table spells its own name, where that is not its normalized name:
# what an install hint shows.
DISPLAY_NAMES: dict[str, str] = {
    "cython": "Cython",
    "gdal": "GDAL",
    "gitpython": "GitPython",
    "gputil": "GPUtil",
    "levenshtein": "Levenshtein",
    "netcdf4": "netCDF4",
    "pdfminer-six": "pdfminer.six",
    "pillow-simd": "Pillow-SIMD",
    "pot": "POT",
    "pyjwt": "PyJWT",
    "pynacl": "PyNaCl",
    "pyopengl": "PyOpenGL",
    "pyopenssl": "pyOpenSSL",
    "pypdf2": "PyPDF2",
    "pyqt5": "PyQt5",
    "pyqt6": "PyQt6",
    "pyside6": "PySide6",
    "pysocks": "PySocks",
    "pywavelets": "PyWavelets",
    "pyyaml": "PyYAML",
    "ruamel-yaml": "ruamel.yaml",
    "speechrecognition": "SpeechRecognition",
    "tensorboardx": "tensorboardX",
    "wxpython": "wxPython",
}

_SEPARATOR_RUNS = re.compile(r"[-_.]+")


def _by_import_name() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for distribution, names in DISTRIBUTION_IMPORT_NAMES.items():
        for name in names:
            index.setdefault(name, []).append(distribution)
    return {name: tuple(distributions) for name, distributions in index.items()}


# Table order is kept, so each import name's canonical distribution comes first.
_DISTRIBUTIONS_BY_IMPORT_NAME = _by_import_name()


def normalize_distribution_name(name: str) -> str:
    """The PEP 503 form of a distribution name: lowercase, each run of "-", "_", "." as "-"."""
    return _SEPARATOR_RUNS.sub("-", name).lower()


def import_names_for_distribution(name: str) -> tuple[str, ...]:
    """The import names distribution ``name`` provides: from the table, else the default rule."""
    normalized = normalize_distribution_name(name)
    return DISTRIBUTION_IMPORT_NAMES.get(normalized, (normalized.replace("-", "_"),))


def _nearest_listed(module: str) -> str | None:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in _DISTRIBUTIONS_BY_IMPORT_NAME:
            return candidate
    return None


def distributions_for_import_name(name: str) -> tuple[str, ...]:
    """The table's distributions that provide import ``name``, the canonical one first.

    A dotted module is looked up through its nearest listed parent, so "google.protobuf.message"
    finds protobuf; a bare namespace package ("google") finds nothing.
    """
    listed = _nearest_listed(name)
    return _DISTRIBUTIONS_BY_IMPORT_NAME[listed] if listed else ()


def distribution_for_import(name: str) -> str | None:
    """The distribution to install for import ``name``, spelled as it spells itself: the table's
    canonical provider of ``name`` or of its nearest listed parent ("sklearn.linear_model" ->
    "scikit-learn", "tensorflow" -> "tensorflow").

    None when the table does not list it: installing the import name itself would be a guess
    ("utils" is rarely the distribution of that name), and a bare namespace ("google") has no
    one distribution.
    """
    providers = distributions_for_import_name(name)
    return DISPLAY_NAMES.get(providers[0], providers[0]) if providers else None

