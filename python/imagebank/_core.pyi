"""
imagebank compiled core; import it through the imagebank package
"""
from __future__ import annotations
import builtins
import collections.abc
import imagebank._types
from imagebank._types import PerceptualHashes
import imagebank.errors
from imagebank.errors import ConflictError
from imagebank.errors import CorruptDataError
from imagebank.errors import DeadlineExceededError
from imagebank.errors import Error
from imagebank.errors import InternalError
from imagebank.errors import InvalidArgumentError
from imagebank.errors import IoError
from imagebank.errors import LimitExceededError
from imagebank.errors import NotFoundError
from imagebank.errors import PermissionDeniedError
from imagebank.errors import QuotaExhaustedError
from imagebank.errors import RateLimitedError
from imagebank.errors import RefusedError
from imagebank.errors import UnauthenticatedError
from imagebank.errors import UnavailableError
from imagebank.errors import UnsupportedFormatError
import imagebank.states
from imagebank.states import BatchState
from imagebank.states import JobKind
from imagebank.states import JobState
import numpy
import numpy.typing
import os
import typing
import typing_extensions
__all__: list[str] = ['AddressPolicy', 'AiAnalysis', 'AnalysisKey', 'AnalyzeFailure', 'AnalyzeProgress', 'AnalyzeReport', 'ApiKeyRecord', 'ApiKeys', 'BATCH_CANCELLED', 'BATCH_DONE', 'BATCH_PAUSED', 'BATCH_QUEUED', 'BATCH_RUNNING', 'BackgroundMask', 'Bank', 'Batch', 'BatchProgress', 'BatchReview', 'BatchState', 'BlobInfo', 'BlobListPage', 'BlobRef', 'BlobStore', 'Brand', 'Carteira', 'CarteiraFields', 'CarteiraImport', 'CarteiraIssue', 'CarteiraLimits', 'CarteiraRow', 'CatalogDatabase', 'CatalogStore', 'CheckProblem', 'CheckReport', 'Collection', 'ColorReview', 'ConflictError', 'ConflictFinding', 'ConflictResolved', 'CorruptDataError', 'Coverage', 'DeadlineExceededError', 'Error', 'ExportProgress', 'ExportReport', 'Fetched', 'FetchedImage', 'FormatInfo', 'FsSweepReport', 'HashIndex', 'Image', 'ImageAnalysis', 'ImageBlobs', 'ImageCount', 'ImageHashRow', 'ImageInfo', 'ImageInsert', 'ImageItem', 'ImageIterator', 'ImagePlan', 'ImageRecord', 'ImageService', 'ImageServiceStats', 'InternalError', 'InvalidArgumentError', 'IoError', 'IpAddress', 'JOB_CANCELLED', 'JOB_DONE', 'JOB_DUPLICATE', 'JOB_FAILED', 'JOB_KIND_ANALYZE', 'JOB_KIND_PROCESS', 'JOB_LEASED', 'JOB_RECEIVED', 'Job', 'JobCounts', 'JobInsert', 'JobIterator', 'JobKind', 'JobOutcome', 'JobQueue', 'JobState', 'KnownSkus', 'LeaseOptions', 'LimitExceededError', 'Limits', 'MatchReport', 'MatchedFile', 'NamedNearDuplicate', 'NearDuplicate', 'NearDuplicatePair', 'Negotiation', 'NewApiKey', 'NotFoundError', 'PerceptualHashes', 'PermissionDeniedError', 'PhotoQuality', 'PhotoViews', 'Preset', 'Product', 'ProductIterator', 'ProductSummary', 'ProductSummaryIterator', 'ProductUpsert', 'QuotaExhaustedError', 'RateLimitedError', 'ReconcileReport', 'RefusedError', 'S3Credentials', 'S3Options', 'SkuConflict', 'SkuConflictIterator', 'SkuHistory', 'SkuParse', 'SkuPhotos', 'SkuRules', 'UnauthenticatedError', 'UnavailableError', 'UnsupportedFormatError', 'Url', 'UrlFetcher', 'UrlList', 'UrlRow', 'UrlSigner', 'VISION_MAX_SIDE', 'VISION_SCHEMA_VERSION', 'Variant', 'VariantRecord', 'ViewCoverage', 'ViewPhotos', 'VisionAnalyzer', 'VisionAttempt', 'VisionChain', 'VisionColor', 'VisionImage', 'VisionItem', 'VisionLimit', 'VisionOutcome', 'VisionRequest', 'VisionResult', 'WorkReport', '__version__', 'abort_stale_uploads', 'ahash', 'analyze_image', 'api_scopes_allow', 'apply_orientation', 'base64url', 'batch_progress', 'blurhash_decode', 'blurhash_encode', 'carteira_fields', 'check_address', 'check_allow_host', 'check_bank', 'check_url_row', 'ciede2000', 'classify_address', 'colour_names', 'compare_colors', 'constant_time_equal', 'crop', 'decode', 'decode_fast_grey', 'decode_pillow_grey', 'default_presets', 'default_required_views', 'dhash', 'encode', 'encoder_fingerprint', 'file_extension', 'find_background', 'find_preset', 'fit_malloc_to_address_limit', 'fit_to', 'fitted_size', 'fold_text', 'format_from_name', 'format_info', 'format_infos', 'hamming', 'hash_from_hex', 'hash_to_hex', 'hmac_sha256_base64url', 'http_status', 'if_none_match_matches', 'ip_address_string', 'is_allowed_transition', 'is_supported', 'is_upload_batch', 'is_url_batch', 'is_valid_utf8', 'lab_to_srgb', 'latest_catalog_schema_version', 'log_level', 'main_color', 'make_memory_blob_store', 'make_variants', 'malloc_arenas_for_address_limit', 'match', 'mime_type', 'name_color', 'negotiate', 'normalize_upload_name', 'open_blob_store', 'open_catalog_store', 'open_fs_blob_store', 'open_postgresql_catalog', 'open_s3_blob_store', 'open_sqlite_catalog', 'open_vision_analyzer', 'original_blob_key', 'parse_api_scopes', 'parse_byte_range', 'parse_filename', 'parse_formats', 'parse_ip_address', 'parse_s3_uri', 'parse_url', 'parse_vision_list', 'parse_vision_uri', 'pdq', 'pdq_dihedral', 'pdq_from_hex', 'pdq_to_hex', 'perceptual_hashes', 'phash', 'pillow_grey', 'prepare_vision_image', 'probe', 'quote_blob_key', 'read_carteira', 'read_file', 'read_url_list', 'remove_background', 'resize', 'resolve_location', 'resolve_range', 'rgb_hex', 's3_credentials_from_env', 'set_log_level', 'set_log_sink', 'sha256', 'shrink_on_load_factor', 'sniff_format', 'srgb_to_lab', 'srgb_to_lab_pixels', 'sweep_fs_blob_store_temp_files', 'to_utf8', 'upper_without_accents', 'validate_api_key_record', 'validate_blob_key', 'validate_fetch_options', 'validate_ingest_options', 'validate_preset', 'validate_vision_result', 'variant_key', 'vision_schemes', 'windows1252_to_utf8', 'write_file_atomic']
class Limits:
    """
    How large an untrusted input may be before imagebank refuses it. Defaults suit catalog photography.
    """
    def __init__(self, *, max_pixels: typing.SupportsInt | typing.SupportsIndex = 40000000, max_dimension: typing.SupportsInt | typing.SupportsIndex = 16384, max_file_bytes: typing.SupportsInt | typing.SupportsIndex = 50000000, jpeg_max_scans: typing.SupportsInt | typing.SupportsIndex = 100, fail_on: str = 'error', max_metadata_bytes: typing.SupportsInt | typing.SupportsIndex = 1048576, max_frames: typing.SupportsInt | typing.SupportsIndex = 1, decode_deadline: typing.SupportsFloat | typing.SupportsIndex = 10.0) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def decode_deadline(self) -> float:
        """
        Wall-clock budget of one decode, in seconds.
        """
    @decode_deadline.setter
    def decode_deadline(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def fail_on(self) -> str:
        """
        What damage a decode tolerates: 'none', 'truncated', 'error' (default: benign JPEG warnings and bad ancillary PNG CRCs pass, truncated or corrupt data is refused) or 'warning' (refuse every warning). What passed is in ImageInfo.tolerated.
        """
    @fail_on.setter
    def fail_on(self, arg1: str) -> None:
        ...
    @property
    def jpeg_max_scans(self) -> int:
        ...
    @jpeg_max_scans.setter
    def jpeg_max_scans(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_dimension(self) -> int:
        ...
    @max_dimension.setter
    def max_dimension(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_file_bytes(self) -> int:
        ...
    @max_file_bytes.setter
    def max_file_bytes(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_frames(self) -> int:
        ...
    @max_frames.setter
    def max_frames(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_metadata_bytes(self) -> int:
        ...
    @max_metadata_bytes.setter
    def max_metadata_bytes(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_pixels(self) -> int:
        ...
    @max_pixels.setter
    def max_pixels(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class ImageInfo:
    """
    What a header read tells about an image, without decoding it.
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def to_dict(self) -> dict[str, typing.Any]:
        """
        The fields as a dict, with the keys of `imagebank probe --json`.
        """
    @property
    def bit_depth(self) -> int:
        """
        Bits per sample as stored.
        """
    @property
    def bytes(self) -> int:
        """
        Size of the encoded file.
        """
    @property
    def channels(self) -> int:
        """
        1 gray, 2 gray+alpha, 3 colour, 4 colour+alpha or CMYK.
        """
    @property
    def display_height(self) -> int:
        """
        Height after orientation.
        """
    @property
    def display_width(self) -> int:
        """
        Width after orientation.
        """
    @property
    def format(self) -> str:
        """
        'jpeg', 'png', 'webp' or 'avif'.
        """
    @property
    def frames(self) -> int:
        """
        Animation frames (1 for stills).
        """
    @property
    def has_alpha(self) -> bool:
        ...
    @property
    def height(self) -> int:
        """
        Stored height, before orientation.
        """
    @property
    def icc(self) -> bool:
        """
        An ICC profile is embedded.
        """
    @property
    def orientation(self) -> int:
        """
        EXIF orientation 1-8 (AVIF irot/imir as the equivalent).
        """
    @property
    def progressive(self) -> bool:
        """
        A progressive JPEG.
        """
    @property
    def tolerated(self) -> list[str]:
        """
        What the decoding policy (Limits.fail_on) let through in this file, e.g. ['jpeg_extraneous_bytes']; empty for a clean file.
        """
    @property
    def width(self) -> int:
        """
        Stored width, before orientation.
        """
class FormatInfo:
    """
    What imagebank knows of a format (one table row).
    """
    def __repr__(self) -> str:
        ...
    @property
    def can_decode(self) -> bool:
        ...
    @property
    def can_encode(self) -> bool:
        ...
    @property
    def extension(self) -> str:
        ...
    @property
    def mime_type(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def shrink_on_load(self) -> bool:
        ...
class Image:
    """
    A decoded image: 8-bit samples, (height, width, channels). numpy.asarray(image) views it without a copy.
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __init__(self, array: numpy.typing.NDArray[numpy.uint8] | typing_extensions.Buffer) -> None:
        """
        Copy a uint8 array of shape (height, width) or (height, width, channels) with 1-4 channels.
        """
    def __repr__(self) -> str:
        ...
    def tobytes(self) -> bytes:
        ...
    @property
    def channels(self) -> int:
        ...
    @property
    def has_alpha(self) -> bool:
        ...
    @property
    def height(self) -> int:
        ...
    @property
    def shape(self) -> tuple[int, int, int]:
        """
        (height, width, channels)
        """
    @property
    def width(self) -> int:
        ...
class Preset:
    """
    A named output size and fit.
    """
    def __init__(self, name: str, width: typing.SupportsInt | typing.SupportsIndex = 0, height: typing.SupportsInt | typing.SupportsIndex = 0, *, fit: str = 'fit', crop: str = 'centre', upscale: bool = False, background: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] = [255, 255, 255, 255]) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def crop(self) -> str:
        ...
    @property
    def fit(self) -> str:
        ...
    @property
    def height(self) -> int:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def upscale(self) -> bool:
        ...
    @property
    def width(self) -> int:
        ...
class Variant:
    """
    One encoded output of make_variants.
    """
    def __repr__(self) -> str:
        ...
    @property
    def data(self) -> bytes:
        ...
    @property
    def format(self) -> str:
        ...
    @property
    def height(self) -> int:
        ...
    @property
    def preset(self) -> str:
        ...
    @property
    def width(self) -> int:
        ...
class Negotiation:
    def __repr__(self) -> str:
        ...
    @property
    def acceptable(self) -> bool:
        ...
    @property
    def format(self) -> str:
        ...
    @property
    def vary_accept(self) -> bool:
        """
        Always True: send 'Vary: Accept'.
        """
class HashIndex:
    """
    Exact near-duplicate search over perceptual hashes (multi-index hashing).
    
    HashIndex(bits=64) holds 64-bit hashes (phash, dhash, ahash); bits=256 holds
    PDQ hashes. Ids are ints in [0, 2**64) chosen by the caller; adding an id
    that is already present replaces its hash. query() and knn() return exactly
    what a brute-force scan would, as (ids, distances) numpy arrays (uint64,
    int32) ordered by distance, then id.
    
    Hashes are ints (or big-endian bytes: 8 for 64 bits, 32 for 256); add_many
    takes numpy uint64 arrays, hashes of shape (n,) for 64 bits or (n, 4) for 256
    bits (row = the four 64-bit words, word 0 holding bits 0-63).
    
    Thread-safe: queries run in parallel (the GIL is released), writes are
    serialized and never expose a half-done state. save() writes one file
    atomically; HashIndex.open() maps it, read-only by default, so several
    processes can share one index file.
    """
    @staticmethod
    def open(path: str | os.PathLike[str], *, read_only: bool = True) -> HashIndex:
        """
        Maps an index file written by save(). read_only=True refuses add/add_many/remove (ConflictError); read_only=False keeps changes in memory until the next save(). CorruptDataError for a damaged or truncated file.
        """
    def __init__(self, *, bits: typing.SupportsInt | typing.SupportsIndex = 64, substrings: typing.SupportsInt | typing.SupportsIndex = 0, expected_radius: typing.SupportsInt | typing.SupportsIndex = -1) -> None:
        """
        A new empty index. substrings=0 and expected_radius=-1 let the index choose its tables (radius 5 for 64 bits, 31 for 256).
        """
    def __len__(self) -> int:
        ...
    def __repr__(self) -> str:
        ...
    def add(self, id: typing.SupportsIndex, hash: typing.SupportsIndex | bytes | bytearray | memoryview) -> None:
        """
        Adds a hash, or replaces the hash of an id already present.
        """
    def add_many(self, ids: numpy.typing.NDArray[numpy.uint64], hashes: numpy.typing.NDArray[numpy.uint64]) -> None:
        """
        Adds or replaces many hashes: ids a uint64 array of shape (n,), hashes uint64 of shape (n,) (64 bits) or (n, 4) (256 bits). Read in place, without a copy. An id repeated in the batch keeps its last hash.
        """
    def knn(self, hash: typing.SupportsIndex | bytes | bytearray | memoryview, k: typing.SupportsInt | typing.SupportsIndex) -> tuple[numpy.typing.NDArray[numpy.uint64], numpy.typing.NDArray[numpy.int32]]:
        """
        The k nearest hashes as (ids, distances), by distance then id (ties at the k-th distance go to the smaller ids).
        """
    def query(self, hash: typing.SupportsIndex | bytes | bytearray | memoryview, radius: typing.SupportsInt | typing.SupportsIndex) -> tuple[numpy.typing.NDArray[numpy.uint64], numpy.typing.NDArray[numpy.int32]]:
        """
        Every hash within radius (0-10 for 64 bits, 0-32 for 256) as (ids, distances), by distance then id.
        """
    def remove(self, id: typing.SupportsIndex) -> None:
        """
        Removes an id; NotFoundError if absent.
        """
    def save(self, path: str | os.PathLike[str]) -> None:
        """
        Writes the index to path atomically (temporary file + rename).
        """
    def stats(self) -> dict[str, int]:
        """
        Shape and memory of the index: size, segments, tail, dead, substrings, substring_bits, memory_bytes, read_only, mapped.
        """
    @property
    def bits(self) -> int:
        ...
    @property
    def read_only(self) -> bool:
        ...
class SkuParse:
    """
    What a file name says: SKU, sequence, view.
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def to_dict(self) -> dict[str, typing.Any]:
        ...
    @property
    def confidence(self) -> float:
        """
        1.0 known SKU; 0.8/0.6/0.5 grammar (halved without a digit); 0 camera_default and no_sku.
        """
    @property
    def from_folder(self) -> bool:
        """
        sku_base came from the parent folder.
        """
    @property
    def reason(self) -> str:
        """
        'grammar', 'known_sku', 'camera_default' or 'no_sku'.
        """
    @property
    def sequence(self) -> str:
        """
        Sequence and view tokens joined with '_' ('01', 'FRENTE', 'A_2'), or ''.
        """
    @property
    def sku_base(self) -> str:
        """
        Upper case without accents ('' when none); as the known SKU list writes it when reason is 'known_sku'.
        """
    @property
    def view(self) -> str:
        """
        'front', 'back', 'side', 'detail', 'top', 'look', 'flat', 'inside', 'sole', 'pair' or ''.
        """
class SkuRules:
    """
    The filename grammar's rules; every field has the documented default and is validated when set (InvalidArgumentError). Lists are copies: assign a new list to change one.
    """
    def __init__(self, *, extensions: collections.abc.Sequence[str] | None = None, copy_suffixes: collections.abc.Sequence[str] | None = None, copy_prefixes: collections.abc.Sequence[str] | None = None, view_words: dict[str, str] | None = None, camera_patterns: collections.abc.Sequence[str] | None = None, separators: str | None = None, max_sequence_digits: typing.SupportsInt | typing.SupportsIndex | None = None, max_name_bytes: typing.SupportsInt | typing.SupportsIndex | None = None, folder_fallback: bool | None = None) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def camera_patterns(self) -> list[str]:
        """
        Camera/app default names: '#' a digit, '?' a character, '*' any run; whole stem, any case.
        """
    @camera_patterns.setter
    def camera_patterns(self, arg1: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def copy_prefixes(self) -> list[str]:
        """
        Copy markers removed from the start ('Cópia de ', ...).
        """
    @copy_prefixes.setter
    def copy_prefixes(self, arg1: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def copy_suffixes(self) -> list[str]:
        """
        Copy markers removed from the end (' - Cópia', ' copy', ...).
        """
    @copy_suffixes.setter
    def copy_suffixes(self, arg1: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def extensions(self) -> list[str]:
        """
        Image extensions stripped from the end, any case, repeated.
        """
    @extensions.setter
    def extensions(self, arg1: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def folder_fallback(self) -> bool:
        """
        Read the parent folder when the name carries no SKU.
        """
    @folder_fallback.setter
    def folder_fallback(self, arg1: bool) -> None:
        ...
    @property
    def max_name_bytes(self) -> int:
        """
        Longer names raise LimitExceededError.
        """
    @max_name_bytes.setter
    def max_name_bytes(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_sequence_digits(self) -> int:
        """
        Longest digit run read as a sequence token (0..9).
        """
    @max_sequence_digits.setter
    def max_sequence_digits(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def separators(self) -> str:
        """
        Token separators (ASCII).
        """
    @separators.setter
    def separators(self, arg1: str) -> None:
        ...
    @property
    def view_words(self) -> dict[str, str]:
        """
        dict of view word -> normalised view ('FRENTE' -> 'front'); the first mapping of a word wins.
        """
    @view_words.setter
    def view_words(self, arg1: dict[str, str]) -> None:
        ...
class KnownSkus:
    """
    Known SKUs (a Carteira's), prebuilt for matching many names. Spellings equal once separators, case and accents are dropped are one SKU; the first is kept. Blank entries are skipped.
    """
    def __contains__(self, arg0: builtins.object) -> bool:
        ...
    def __init__(self, skus: KnownSkus | imagebank._types.SkuSource | collections.abc.Iterable[str | bytes]) -> None:
        """
        skus: an iterable of str (or bytes), or an object with a skus() method.
        """
    def __iter__(self) -> collections.abc.Iterator[str]:
        ...
    def __len__(self) -> int:
        ...
    def __repr__(self) -> str:
        ...
    def find(self, sku: str) -> int | None:
        """
        Index in skus() of the SKU spelled like sku, or None.
        """
    def skus(self) -> list[str]:
        """
        The distinct SKUs, in input order.
        """
class SkuPhotos:
    """
    Photos found for one SKU.
    """
    def __repr__(self) -> str:
        ...
    def to_dict(self) -> dict[str, typing.Any]:
        ...
    @property
    def photos(self) -> int:
        ...
    @property
    def sku(self) -> str:
        ...
    @property
    def views(self) -> list[str]:
        """
        Distinct views present, in the order of the view words.
        """
class MatchedFile:
    """
    One file of a match().
    """
    def __repr__(self) -> str:
        ...
    def to_dict(self) -> dict[str, typing.Any]:
        ...
    @property
    def error(self) -> imagebank.errors.Error | None:
        """
        None, or the imagebank.Error (not raised) refusing the name.
        """
    @property
    def input(self) -> str:
        """
        The name as given (bytes decoded as UTF-8 or Windows-1252).
        """
    @property
    def matched(self) -> bool:
        ...
    @property
    def parse(self) -> SkuParse:
        """
        The parse; empty when error is set.
        """
    @property
    def sku(self) -> str | None:
        """
        The known SKU it belongs to, or None.
        """
class MatchReport:
    """
    Photos against the known SKUs: what is missing.
    """
    def __repr__(self) -> str:
        ...
    def to_dict(self) -> dict[str, typing.Any]:
        ...
    @property
    def files(self) -> list[MatchedFile]:
        """
        One MatchedFile per input, in input order.
        """
    @property
    def photos_without_sku(self) -> list[str]:
        """
        Inputs matched to no known SKU, in input order.
        """
    @property
    def skus(self) -> list[SkuPhotos]:
        """
        One SkuPhotos per known SKU, in the known order (photos may be 0).
        """
    @property
    def skus_without_photos(self) -> list[str]:
        """
        Known SKUs with no photo, in the known order.
        """
    @property
    def unknown_skus(self) -> list[SkuPhotos]:
        """
        SKUs read from names but not known, in order of appearance.
        """
class CarteiraLimits:
    """
    How large an untrusted Carteira may be before read_carteira refuses it (LimitExceededError).
    """
    def __init__(self, *, max_file_bytes: typing.SupportsInt | typing.SupportsIndex = 50000000, max_uncompressed_bytes: typing.SupportsInt | typing.SupportsIndex = 536870912, max_compression_ratio: typing.SupportsInt | typing.SupportsIndex = 200, max_rows: typing.SupportsInt | typing.SupportsIndex = 1000000, max_columns: typing.SupportsInt | typing.SupportsIndex = 16384, max_cell_bytes: typing.SupportsInt | typing.SupportsIndex = 131072, max_sheets: typing.SupportsInt | typing.SupportsIndex = 256) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def max_cell_bytes(self) -> int:
        """
        Bytes of one cell's text.
        """
    @max_cell_bytes.setter
    def max_cell_bytes(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_columns(self) -> int:
        """
        Columns of one row.
        """
    @max_columns.setter
    def max_columns(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_compression_ratio(self) -> int:
        """
        An .xlsx part inflating more than this many times its compressed size (past its first MiB) is a zip bomb.
        """
    @max_compression_ratio.setter
    def max_compression_ratio(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_file_bytes(self) -> int:
        """
        Largest file accepted.
        """
    @max_file_bytes.setter
    def max_file_bytes(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_rows(self) -> int:
        """
        Rows read from the whole file.
        """
    @max_rows.setter
    def max_rows(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_sheets(self) -> int:
        ...
    @max_sheets.setter
    def max_sheets(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_uncompressed_bytes(self) -> int:
        """
        Largest total of an .xlsx's parts once inflated.
        """
    @max_uncompressed_bytes.setter
    def max_uncompressed_bytes(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class CarteiraIssue:
    """
    A problem found while reading a Carteira: never silent, never fatal for the other rows.
    """
    def __repr__(self) -> str:
        ...
    def to_dict(self) -> dict[str, typing.Any]:
        """
        {'sheet', 'row', 'severity', 'message'}, as `imagebank carteira --json` prints it.
        """
    @property
    def message(self) -> str:
        ...
    @property
    def row(self) -> int:
        """
        1-based spreadsheet row; 0 when not about one row.
        """
    @property
    def severity(self) -> str:
        """
        'info' (nothing lost), 'warning' (check it) or 'error' (data lost: a row skipped).
        """
    @property
    def sheet(self) -> str:
        """
        The sheet it is about; '' for the whole file.
        """
class CarteiraRow:
    """
    One product row of a Carteira.
    """
    def __repr__(self) -> str:
        ...
    def to_dict(self) -> dict[str, typing.Any]:
        """
        {'sheet', 'row', 'fields', 'extra'}, as `imagebank carteira --json` prints it.
        """
    @property
    def extra(self) -> dict[str, str]:
        """
        The other columns: original header -> value as text, in column order.
        """
    @property
    def fields(self) -> dict[str, str | int | float | bool]:
        """
        Canonical field name -> value, in canonical order, only the fields with a value: str for text, int for whole quantities, float for numbers, 'yyyy-mm-dd' for dates, bool for TRUE/FALSE cells. A numeric or date field that could not be read keeps its text (and an issue says so).
        """
    @property
    def row(self) -> int:
        """
        1-based spreadsheet row (a CSV's record number).
        """
    @property
    def sheet(self) -> str:
        ...
    @property
    def sku(self) -> str:
        """
        The SKU exactly as written (trimmed; a numeric cell as digits).
        """
class Carteira:
    """
    A Carteira de Compras read into typed rows, with the issues found.
    """
    def __len__(self) -> int:
        ...
    def __repr__(self) -> str:
        ...
    def skus(self) -> list[str]:
        """
        The SKUs in row order, each once.
        """
    def to_dict(self) -> dict[str, typing.Any]:
        """
        {'sheets', 'rows', 'issues'} of plain dicts and lists.
        """
    @property
    def issues(self) -> list[CarteiraIssue]:
        """
        Every issue, in the order found.
        """
    @property
    def rows(self) -> list[CarteiraRow]:
        """
        The rows in file order (sheet by sheet), one per SKU.
        """
    @property
    def sheets(self) -> list[str]:
        """
        The sheets read, in workbook order (skipped ones included; an issue says why).
        """
class BlobInfo:
    """
    An object's key, size in bytes and modification time (ms since the Unix epoch; 0 when unknown).
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def key(self) -> str:
        ...
    @property
    def modified_ms(self) -> int:
        ...
    @property
    def size(self) -> int:
        ...
class BlobListPage:
    """
    One page of BlobStore.list(): blobs in bytewise key order; next_start_after is '' on the last page.
    """
    def __len__(self) -> int:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def blobs(self) -> list[BlobInfo]:
        ...
    @property
    def next_start_after(self) -> str:
        ...
class _BlobIterator:
    def __iter__(self) -> _BlobIterator:
        ...
    def __next__(self) -> BlobInfo:
        ...
class FsSweepReport:
    def __repr__(self) -> str:
        ...
    @property
    def kept(self) -> int:
        ...
    @property
    def removed(self) -> int:
        ...
    @property
    def removed_bytes(self) -> int:
        ...
class BlobStore:
    """
    Keys to immutable byte strings (local disk, S3 or memory). put is atomic; get/head of a missing key raise NotFound; remove of a missing key is fine. Thread-safe; the GIL is released during I/O.
    """
    def __repr__(self) -> str:
        ...
    def exists(self, key: str) -> bool:
        """
        head() without NotFound: True or False.
        """
    def get(self, key: str, *, offset: typing.SupportsInt | typing.SupportsIndex = 0, length: typing.SupportsInt | typing.SupportsIndex | None = None) -> bytes:
        """
        The object's bytes, or `length` bytes from `offset` (clipped at the end; an offset past the end raises InvalidArgument).
        """
    def head(self, key: str) -> BlobInfo:
        ...
    def iter_blobs(self, prefix: str = '', page_size: typing.SupportsInt | typing.SupportsIndex = 1000) -> _BlobIterator:
        """
        Every object whose key starts with `prefix`, in key order, fetched a page at a time.
        """
    def list(self, prefix: str = '', start_after: str = '', max_keys: typing.SupportsInt | typing.SupportsIndex = 1000) -> BlobListPage:
        """
        One page of the objects whose key starts with `prefix` and sorts after `start_after`.
        """
    def put(self, key: str, data: bytes | bytearray | memoryview) -> None:
        """
        Stores bytes-like `data` under `key`, atomically and durably.
        """
    def put_file(self, key: str, path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> None:
        """
        Stores the contents of a local file, streamed.
        """
    def remove(self, key: str) -> None:
        """
        Deletes `key`; a missing key is not an error.
        """
    @property
    def uri(self) -> str:
        ...
class S3Credentials:
    """
    An access key pair (and session token for temporary credentials).
    """
    access_key_id: str
    secret_access_key: str
    session_token: str
    def __init__(self, access_key_id: str, secret_access_key: str, session_token: str = '') -> None:
        ...
    def __repr__(self) -> str:
        ...
class S3Options:
    """
    Where and how to reach an S3-compatible bucket. credentials=None reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN when the store is opened. Durations are in seconds.
    """
    bucket: str
    ca_file: str
    check_bucket: bool
    create_bucket: bool
    credentials: S3Credentials | None
    prefix: str
    region: str
    verify_tls: bool
    def __init__(self, bucket: str, *, prefix: str = '', endpoint: str = '', region: str = 'us-east-1', credentials: S3Credentials | None = None, create_bucket: bool = False) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def addressing(self) -> str:
        """
        'auto' (path-style for custom endpoints), 'path' or 'virtual'.
        """
    @addressing.setter
    def addressing(self, arg1: str) -> None:
        ...
    @property
    def backoff_base(self) -> float:
        """
        First retry's maximum wait.
        """
    @backoff_base.setter
    def backoff_base(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def backoff_cap(self) -> float:
        """
        Largest wait between retries.
        """
    @backoff_cap.setter
    def backoff_cap(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def connect_timeout(self) -> float:
        """
        Connect + TLS handshake, per attempt.
        """
    @connect_timeout.setter
    def connect_timeout(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def endpoint(self) -> str:
        """
        'http://host:port' or 'https://host[:port]'; '' for AWS (https://s3.<region>.amazonaws.com).
        """
    @endpoint.setter
    def endpoint(self, arg0: str) -> None:
        ...
    @property
    def max_attempts(self) -> int:
        ...
    @max_attempts.setter
    def max_attempts(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def multipart_threshold(self) -> int:
        ...
    @multipart_threshold.setter
    def multipart_threshold(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def part_size(self) -> int:
        ...
    @part_size.setter
    def part_size(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def request_timeout(self) -> float:
        """
        Each read or write of a request.
        """
    @request_timeout.setter
    def request_timeout(self, arg1: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class Brand:
    """
    A brand (created on first use).
    """
    def __repr__(self) -> str:
        ...
    @property
    def created_ms(self) -> int:
        ...
    @property
    def id(self) -> int:
        ...
    @property
    def name(self) -> str:
        ...
class Collection:
    """
    A season's collection of one brand.
    """
    def __repr__(self) -> str:
        ...
    @property
    def brand_id(self) -> int:
        ...
    @property
    def created_ms(self) -> int:
        ...
    @property
    def id(self) -> int:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def season(self) -> str:
        ...
class CarteiraFields:
    """
    A product's Carteira fields, as imported text.
    """
    __hash__: typing.ClassVar[None] = None
    categoria: str
    colecao: str
    cor: str
    data_entrega: str
    fornecedor: str
    marca: str
    nome_peca: str
    origem: str
    preco_custo: str
    preco_venda: str
    quantidade: str
    subcategoria: str
    tamanho: str
    tipo_peca: str
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __init__(self) -> None:
        ...
class Product:
    """
    One SKU of a collection.
    """
    def __repr__(self) -> str:
        ...
    @property
    def carteira_import_id(self) -> int:
        ...
    @property
    def collection_id(self) -> int:
        ...
    @property
    def created_ms(self) -> int:
        ...
    @property
    def extra(self) -> dict[str, str]:
        ...
    @property
    def fields(self) -> CarteiraFields:
        ...
    @property
    def id(self) -> int:
        ...
    @property
    def sku(self) -> str:
        ...
    @property
    def sku_base(self) -> str:
        ...
    @property
    def updated_ms(self) -> int:
        ...
class ImageRecord:
    """
    An image of the catalog (its row, not its pixels).
    """
    blob_key: str
    format: str
    original_name: str
    pdq: bytes
    sha256: str
    sku_base: str
    status: str
    view: str
    def __init__(self) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def batch_id(self) -> int | None:
        ...
    @batch_id.setter
    def batch_id(self, arg0: typing.SupportsInt | typing.SupportsIndex | None) -> None:
        ...
    @property
    def bytes(self) -> int:
        ...
    @bytes.setter
    def bytes(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def collection_id(self) -> int | None:
        ...
    @collection_id.setter
    def collection_id(self, arg0: typing.SupportsInt | typing.SupportsIndex | None) -> None:
        ...
    @property
    def created_ms(self) -> int:
        ...
    @property
    def decode_tolerance(self) -> str:
        """
        What the decoding policy let through in the original (e.g. 'jpeg_extraneous_bytes'); empty for a clean file.
        """
    @decode_tolerance.setter
    def decode_tolerance(self, arg0: str) -> None:
        ...
    @property
    def dhash(self) -> int:
        ...
    @dhash.setter
    def dhash(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def height(self) -> int:
        ...
    @height.setter
    def height(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def id(self) -> int:
        ...
    @id.setter
    def id(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def pdq_quality(self) -> int:
        ...
    @pdq_quality.setter
    def pdq_quality(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def phash(self) -> int:
        ...
    @phash.setter
    def phash(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def product_id(self) -> int | None:
        ...
    @product_id.setter
    def product_id(self, arg0: typing.SupportsInt | typing.SupportsIndex | None) -> None:
        ...
    @property
    def sequence(self) -> int:
        ...
    @sequence.setter
    def sequence(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def updated_ms(self) -> int:
        ...
    @property
    def width(self) -> int:
        ...
    @width.setter
    def width(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class VariantRecord:
    """
    A stored rendition of an image.
    """
    def __init__(self, preset: str, format: str, width: typing.SupportsInt | typing.SupportsIndex, height: typing.SupportsInt | typing.SupportsIndex, bytes: typing.SupportsInt | typing.SupportsIndex, blob_key: str) -> None:
        ...
    @property
    def blob_key(self) -> str:
        ...
    @property
    def bytes(self) -> int:
        ...
    @property
    def format(self) -> str:
        ...
    @property
    def height(self) -> int:
        ...
    @property
    def image_id(self) -> int:
        ...
    @property
    def preset(self) -> str:
        ...
    @property
    def width(self) -> int:
        ...
class ImageItem:
    """
    One of up to 4 pieces detected in a photo.
    """
    label: str
    def __init__(self) -> None:
        ...
    @property
    def attributes(self) -> dict[str, str]:
        ...
    @attributes.setter
    def attributes(self, arg0: collections.abc.Mapping[str, str]) -> None:
        ...
    @property
    def box(self) -> typing.Annotated[list[float], "FixedSize(4)"]:
        ...
    @box.setter
    def box(self, arg0: typing.Annotated[collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], "FixedSize(4)"]) -> None:
        ...
    @property
    def id(self) -> int:
        ...
    @property
    def image_id(self) -> int:
        ...
    @property
    def position(self) -> int:
        ...
    @position.setter
    def position(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class VisionColor:
    """
    A colour: its pt-BR name, hex and share.
    """
    __hash__: typing.ClassVar[None] = None
    hex: str
    name: str
    def __eq__(self, arg0: builtins.object) -> bool:
        ...
    def __init__(self, name: str, hex: str = '', share: typing.SupportsFloat | typing.SupportsIndex = 0.0) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def share(self) -> float:
        ...
    @share.setter
    def share(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class PhotoQuality:
    """
    What a pixel analyzer measured of the photo.
    """
    __hash__: typing.ClassVar[None] = None
    background_hex: str
    white_background: bool
    def __eq__(self, arg0: builtins.object) -> bool:
        ...
    def __init__(self) -> None:
        ...
    @property
    def border_uniformity(self) -> float:
        ...
    @border_uniformity.setter
    def border_uniformity(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def clipped_highlights(self) -> float:
        ...
    @clipped_highlights.setter
    def clipped_highlights(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def clipped_shadows(self) -> float:
        ...
    @clipped_shadows.setter
    def clipped_shadows(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def foreground_share(self) -> float:
        ...
    @foreground_share.setter
    def foreground_share(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def sharpness(self) -> float:
        ...
    @sharpness.setter
    def sharpness(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def white_border_share(self) -> float:
        ...
    @white_border_share.setter
    def white_border_share(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class AiAnalysis:
    """
    What a vision service said; kept apart from Carteira fields.
    """
    blurhash: str
    color: str
    description: str
    garment_type: str
    material: str
    model: str
    provider: str
    quality: PhotoQuality | None
    raw_json: str
    sha256: str
    style: str
    def __init__(self) -> None:
        ...
    @property
    def colors(self) -> list[VisionColor]:
        ...
    @colors.setter
    def colors(self, arg0: collections.abc.Sequence[VisionColor]) -> None:
        ...
    @property
    def confidence(self) -> float:
        ...
    @confidence.setter
    def confidence(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def created_ms(self) -> int:
        ...
    @property
    def error(self) -> imagebank.errors.Error | None:
        """
        None for an answer; the failure (an imagebank.Error) for a failed attempt.
        """
    @error.setter
    def error(self, arg1: imagebank.errors.Error | None) -> None:
        ...
    @property
    def id(self) -> int:
        ...
    @property
    def image_id(self) -> int:
        ...
    @image_id.setter
    def image_id(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def input_tokens(self) -> int:
        ...
    @input_tokens.setter
    def input_tokens(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def item_position(self) -> int | None:
        ...
    @item_position.setter
    def item_position(self, arg0: typing.SupportsInt | typing.SupportsIndex | None) -> None:
        ...
    @property
    def output_tokens(self) -> int:
        ...
    @output_tokens.setter
    def output_tokens(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def schema_version(self) -> int:
        ...
    @schema_version.setter
    def schema_version(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def tags(self) -> list[str]:
        ...
    @tags.setter
    def tags(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
class AnalysisKey:
    """
    Whose analysis: provider, model, schema version.
    """
    __hash__: typing.ClassVar[None] = None
    model: str
    provider: str
    def __eq__(self, arg0: builtins.object) -> bool:
        ...
    def __init__(self, provider: str, model: str, schema_version: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def schema_version(self) -> int:
        ...
    @schema_version.setter
    def schema_version(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class SkuHistory:
    """
    One SKU change of an image or product.
    """
    @property
    def actor(self) -> str:
        ...
    @property
    def at_ms(self) -> int:
        ...
    @property
    def new_sku(self) -> str:
        ...
    @property
    def old_sku(self) -> str:
        ...
    @property
    def reason(self) -> str:
        ...
    @property
    def subject(self) -> str:
        ...
    @property
    def subject_id(self) -> int:
        ...
class CarteiraImport:
    """
    A Carteira import, as recorded.
    """
    @property
    def collection_id(self) -> int:
        ...
    @property
    def file(self) -> str:
        ...
    @property
    def id(self) -> int:
        ...
    @property
    def imported_ms(self) -> int:
        ...
    @property
    def issues(self) -> int:
        ...
    @property
    def products_created(self) -> int:
        ...
    @property
    def products_updated(self) -> int:
        ...
    @property
    def rows(self) -> int:
        ...
    @property
    def sheets(self) -> list[str]:
        ...
class ViewCoverage:
    @property
    def products_with_view(self) -> int:
        ...
    @property
    def view(self) -> str:
        ...
class Coverage:
    """
    Photo coverage of one collection.
    """
    @property
    def brand(self) -> str:
        ...
    @property
    def collection(self) -> str:
        ...
    @property
    def collection_id(self) -> int:
        ...
    @property
    def products(self) -> int:
        ...
    @property
    def products_with_photo(self) -> int:
        ...
    @property
    def views(self) -> list[ViewCoverage]:
        ...
class ImageCount:
    """
    Images of one brand/collection/status.
    """
    @property
    def brand(self) -> str:
        ...
    @property
    def collection(self) -> str:
        ...
    @property
    def images(self) -> int:
        ...
    @property
    def status(self) -> str:
        ...
class ImageInsert:
    @property
    def duplicate(self) -> bool:
        ...
    @property
    def image(self) -> ImageRecord:
        ...
class ProductUpsert:
    """
    One product of a Carteira import.
    """
    fields: CarteiraFields
    sku: str
    sku_base: str
    def __init__(self, sku: str, sku_base: str = '', fields: CarteiraFields = ..., extra: collections.abc.Mapping[str, str] = {}) -> None:
        ...
    @property
    def extra(self) -> dict[str, str]:
        ...
    @extra.setter
    def extra(self, arg0: collections.abc.Mapping[str, str]) -> None:
        ...
class ImageIterator:
    def __iter__(self) -> ImageIterator:
        ...
    def __next__(self) -> ImageRecord:
        ...
class ProductIterator:
    def __iter__(self) -> ProductIterator:
        ...
    def __next__(self) -> Product:
        ...
class CatalogStore:
    """
    The catalog's rows, in SQLite or PostgreSQL. Thread-safe; every call is one transaction and releases the GIL.
    """
    def add_ai_analysis(self, analysis: AiAnalysis) -> AiAnalysis:
        ...
    def ai_analyses(self, image_id: typing.SupportsInt | typing.SupportsIndex) -> list[AiAnalysis]:
        ...
    def api_keys(self) -> list[ApiKeyRecord]:
        ...
    def brands(self) -> list[Brand]:
        ...
    def carteira_imports(self, collection_id: typing.SupportsInt | typing.SupportsIndex) -> list[CarteiraImport]:
        ...
    def check_database(self, *, thorough: bool = False) -> list[str] | None:
        """
        The engine's own consistency check, one line per problem ([]: consistent): SQLite quick_check (integrity_check when thorough) and foreign_key_check. None for PostgreSQL.
        """
    def coverage(self, collection_id: typing.SupportsInt | typing.SupportsIndex | None = None, required_views: collections.abc.Sequence[str] = ['front', 'back', 'detail']) -> list[Coverage]:
        ...
    def find_ai_analysis(self, sha256: str, key: AnalysisKey) -> AiAnalysis | None:
        """
        The newest successful whole-photo analysis of this content by `key`, or None (the analysis cache).
        """
    def find_api_key(self, prefix: str) -> ApiKeyRecord:
        ...
    def find_collection(self, name: str) -> Collection:
        ...
    def find_image_by_sha256(self, sha256: str) -> ImageRecord:
        ...
    def find_product(self, collection_id: typing.SupportsInt | typing.SupportsIndex, sku: str) -> Product:
        ...
    def get_conflict(self, id: typing.SupportsInt | typing.SupportsIndex) -> SkuConflict:
        ...
    def get_image(self, id: typing.SupportsInt | typing.SupportsIndex) -> ImageRecord:
        ...
    def get_product(self, id: typing.SupportsInt | typing.SupportsIndex) -> Product:
        ...
    def image_blobs(self, after_sha256: str = '', limit: typing.SupportsInt | typing.SupportsIndex = 1000) -> list[ImageBlobs]:
        """
        Up to limit (1..10000) images with sha256 > after_sha256, in sha256 order, each with the keys and sizes of its original and variants: what the integrity check walks.
        """
    def image_counts(self, collection_id: typing.SupportsInt | typing.SupportsIndex | None = None) -> list[ImageCount]:
        ...
    def image_hashes(self, after_id: typing.SupportsInt | typing.SupportsIndex = 0, limit: typing.SupportsInt | typing.SupportsIndex = 10000) -> list[ImageHashRow]:
        """
        id and pHash of up to `limit` images with id > after_id, in id order.
        """
    def image_items(self, image_id: typing.SupportsInt | typing.SupportsIndex) -> list[ImageItem]:
        ...
    def images_of_products(self, product_ids: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> list[ImageRecord]:
        """
        The images linked to these products (1..10000 ids), rejected ones included, by product id, then view, sequence and image id.
        """
    def import_products(self, collection_id: typing.SupportsInt | typing.SupportsIndex, products: collections.abc.Sequence[ProductUpsert], file: str = '', actor: str = 'carteira-import') -> CarteiraImport:
        ...
    def insert_api_key(self, key: ApiKeyRecord) -> ApiKeyRecord:
        """
        Stores a key record (id, created_ms assigned); ConflictError when its prefix is taken. ApiKeys.create makes keys.
        """
    def insert_image(self, image: ImageRecord) -> ImageInsert:
        ...
    def insert_images(self, images: collections.abc.Sequence[ImageRecord]) -> list[ImageInsert]:
        ...
    def job_sha256s(self, sha256s: collections.abc.Sequence[str]) -> list[str]:
        """
        Those of sha256s (at most 1000, lowercase hex) that some job names, in any state, sorted.
        """
    def latest_ai_analyses(self, image_ids: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> list[AiAnalysis]:
        """
        The newest successful whole-photo analysis of each of these images that has one (1..10000 ids), by image id.
        """
    def link_image(self, image_id: typing.SupportsInt | typing.SupportsIndex, product_id: typing.SupportsInt | typing.SupportsIndex | None, actor: str, reason: str = '') -> ImageRecord:
        ...
    def list_collections(self, brand_id: typing.SupportsInt | typing.SupportsIndex | None = None) -> list[Collection]:
        ...
    def list_conflicts(self, *, open_only: bool = True, collection_id: typing.SupportsInt | typing.SupportsIndex | None = None, batch_id: typing.SupportsInt | typing.SupportsIndex | None = None, after_id: typing.SupportsInt | typing.SupportsIndex = 0, limit: typing.SupportsInt | typing.SupportsIndex = 100) -> tuple[list[SkuConflict], int]:
        """
        One page of cross-SKU conflicts by id: (conflicts, next_after); next_after 0 on the last page.
        """
    def list_images(self, *, sku_base: str | None = None, collection_id: typing.SupportsInt | typing.SupportsIndex | None = None, product_id: typing.SupportsInt | typing.SupportsIndex | None = None, status: str | None = None, batch_id: typing.SupportsInt | typing.SupportsIndex | None = None, linked: bool | None = None, brand_id: typing.SupportsInt | typing.SupportsIndex | None = None, near_duplicate: bool | None = None, missing_analysis: AnalysisKey | None = None, page_size: typing.SupportsInt | typing.SupportsIndex = 1000) -> ImageIterator:
        """
        Iterates over the matching images in id order, a page at a time. linked: True = only images linked to a product, False = only unlinked ones (waiting for reconciliation). brand_id: images of the brand's collections. near_duplicate: True = images in a near-duplicate pair (either side), False = in none. missing_analysis: images with no successful whole-photo analysis by that AnalysisKey.
        """
    def list_products(self, collection_id: typing.SupportsInt | typing.SupportsIndex, *, after_id: typing.SupportsInt | typing.SupportsIndex = 0, page_size: typing.SupportsInt | typing.SupportsIndex = 1000) -> ProductIterator:
        """
        Iterates over the collection's products with id > after_id, in id order, a page at a time.
        """
    def near_duplicates(self, image_id: typing.SupportsInt | typing.SupportsIndex | None = None, after_image_id: typing.SupportsInt | typing.SupportsIndex = 0, limit: typing.SupportsInt | typing.SupportsIndex = 1000) -> list[NearDuplicate]:
        """
        The near-duplicates flagged for review, of one image (either side) or of all, by image id. A page holds every row of its last image: pass that image_id back as after_image_id.
        """
    def near_duplicates_to_review(self, collection_id: typing.SupportsInt | typing.SupportsIndex | None = None, after_image_id: typing.SupportsInt | typing.SupportsIndex = 0, limit: typing.SupportsInt | typing.SupportsIndex = 1000) -> list[NearDuplicatePair]:
        """
        The near-duplicate pairs a person has yet to decide on (neither photo rejected, not both approved), of one collection (either photo in it) or all, by image id. A page holds every pair of its last image: pass that image_id back as after_image_id.
        """
    def photo_views(self, collection_id: typing.SupportsInt | typing.SupportsIndex | None = None, brand_id: typing.SupportsInt | typing.SupportsIndex | None = None) -> PhotoViews:
        """
        The views of the photos (linked, not rejected) of the products of a collection and/or brand, and whether any was analysed.
        """
    def products_by_sku_base(self, collection_id: typing.SupportsInt | typing.SupportsIndex, sku_base: str) -> list[Product]:
        ...
    def products_without_photos(self, collection_id: typing.SupportsInt | typing.SupportsIndex | None = None, page_size: typing.SupportsInt | typing.SupportsIndex = 1000) -> ProductIterator:
        """
        Iterates over the products without a photo (no linked image that is not rejected).
        """
    def put_image_items(self, image_id: typing.SupportsInt | typing.SupportsIndex, items: collections.abc.Sequence[ImageItem]) -> list[ImageItem]:
        ...
    def put_variants(self, image_id: typing.SupportsInt | typing.SupportsIndex, variants: collections.abc.Sequence[VariantRecord]) -> None:
        ...
    def query_products(self, *, collection_id: typing.SupportsInt | typing.SupportsIndex | None = None, brand_id: typing.SupportsInt | typing.SupportsIndex | None = None, sku_prefix: str | None = None, has_photo: bool | None = None, missing_view: str | None = None, after_id: typing.SupportsInt | typing.SupportsIndex = 0, page_size: typing.SupportsInt | typing.SupportsIndex = 1000) -> ProductSummaryIterator:
        """
        Iterates over the products the filters select (combined with AND; None = any), in id order, a page at a time, each a ProductSummary with its photo counts. sku_prefix: SKUs starting with it (case-sensitive); has_photo: with at least one photo (linked, not rejected) or none; missing_view: without a photo of that view.
        """
    def rename_product(self, product_id: typing.SupportsInt | typing.SupportsIndex, new_sku: str, actor: str, reason: str = '') -> Product:
        ...
    def resolve_conflict(self, id: typing.SupportsInt | typing.SupportsIndex, action: str, *, sku: str = '', image_id: typing.SupportsInt | typing.SupportsIndex | None = None, reviewer: str) -> ConflictResolved:
        """
        Ends an open conflict. action 'relink': every stored photo of it moves to `sku` (linked to that product of its collection); 'discard': the wrongly filed photo is removed (`image_id`, or the later photo); 'dismiss': a legitimate shared photo, nothing moves. Raises NotFoundError, ConflictError (not open) or InvalidArgumentError. The store removes rows only: Bank.resolve_conflict also deletes the objects.
        """
    def revoke_api_key(self, prefix: str) -> ApiKeyRecord:
        ...
    def schema_version(self) -> int:
        ...
    def set_image_status(self, image_id: typing.SupportsInt | typing.SupportsIndex, status: str) -> ImageRecord:
        ...
    def sku_history(self, subject: str, subject_id: typing.SupportsInt | typing.SupportsIndex) -> list[SkuHistory]:
        ...
    def upsert_brand(self, name: str) -> Brand:
        ...
    def upsert_collection(self, brand_id: typing.SupportsInt | typing.SupportsIndex, name: str, season: str = '') -> Collection:
        ...
    def variants(self, image_id: typing.SupportsInt | typing.SupportsIndex) -> list[VariantRecord]:
        ...
    @property
    def uri(self) -> str:
        ...
class JobQueue:
    """
    The ingest queue: batches, their jobs and the leases workers hold. Thread-safe; every call is one transaction and releases the GIL.
    """
    def add_jobs(self, batch_id: typing.SupportsInt | typing.SupportsIndex, jobs: collections.abc.Sequence[JobInsert]) -> list[Job]:
        """
        Adds received files as process jobs; a source_path the batch already has is kept as it was. Returns the stored jobs in input order.
        """
    def complete_job(self, job_id: typing.SupportsInt | typing.SupportsIndex, worker: str, outcome: JobOutcome) -> ImageInsert:
        """
        Ends a leased job: stores its image in the catalog (or finds the one with that sha256: the job is then a duplicate), variants and near-duplicates in one transaction, and queues an analyze job for a new image when the batch has `analysis`. ConflictError when `worker` no longer holds the lease; InvalidArgumentError for an analyze job.
        """
    def create_batch(self, collection_id: typing.SupportsInt | typing.SupportsIndex, source: str = '', *, analysis: str = '') -> Batch:
        """
        A new batch, queued and receiving (collection_id 0: none). analysis: the analyzers that describe its new images ('' for none): complete_job queues an analyze job for each.
        """
    def fail_job(self, job_id: typing.SupportsInt | typing.SupportsIndex, worker: str, error: imagebank.errors.Error, retry_at_ms: typing.SupportsInt | typing.SupportsIndex | None = None) -> Job:
        """
        A leased job failed with `error` (an imagebank.Error instance: its code and message are stored): with retry_at_ms it waits (received) until then, else it is failed for good. ConflictError when `worker` no longer holds the lease.
        """
    def finish_job(self, job_id: typing.SupportsInt | typing.SupportsIndex, worker: str) -> Job:
        """
        Ends a leased job that commits nothing of its own (an analyze job) as done. ConflictError when `worker` no longer holds the lease.
        """
    def finish_receiving(self, id: typing.SupportsInt | typing.SupportsIndex) -> Batch:
        """
        Every file of the batch has a job: it is done once they are.
        """
    def get_batch(self, id: typing.SupportsInt | typing.SupportsIndex) -> Batch:
        ...
    def get_job(self, id: typing.SupportsInt | typing.SupportsIndex) -> Job:
        ...
    def job_counts(self, batch_id: typing.SupportsInt | typing.SupportsIndex, since_ms: typing.SupportsInt | typing.SupportsIndex = 0, *, kind: str | None = None) -> JobCounts:
        """
        The batch's jobs (of one JobKind, or all) by state.
        """
    def job_source_paths(self, batch_id: typing.SupportsInt | typing.SupportsIndex) -> list[str]:
        """
        The source paths of the batch's process jobs, in id order.
        """
    def lease_holders(self) -> list[str]:
        """
        The distinct holders of current leases.
        """
    def lease_jobs(self, options: LeaseOptions) -> list[Job]:
        """
        Leases up to options.max_jobs due jobs of options.kind from runnable batches, counting an attempt on each; a queued batch becomes running.
        """
    def link_batch(self, id: typing.SupportsInt | typing.SupportsIndex, group_id: typing.SupportsInt | typing.SupportsIndex, part: typing.SupportsInt | typing.SupportsIndex) -> Batch:
        """
        Files the batch as part `part` (>= 1) of the group `group_id` (an existing batch: the group's first part, possibly `id` itself), as the parts of a URL list are. InvalidArgumentError for part < 1; NotFoundError for either batch.
        """
    def list_batches(self) -> list[Batch]:
        """
        Every batch, by id.
        """
    def list_jobs(self, batch_id: typing.SupportsInt | typing.SupportsIndex, state: str | None = None, *, after_id: typing.SupportsInt | typing.SupportsIndex = 0, page_size: typing.SupportsInt | typing.SupportsIndex = 1000) -> JobIterator:
        """
        Iterates over the batch's jobs (of one state, or all) with id > after_id, in id order, a page at a time.
        """
    def list_source_paths(self, batch_id: typing.SupportsInt | typing.SupportsIndex, after: str = '', limit: typing.SupportsInt | typing.SupportsIndex = 10000) -> list[str]:
        """
        Up to `limit` (1..100000) source paths of the batch's process jobs that sort after `after`, in byte order (of their UTF-8), whatever the database's collation.
        """
    def release_leases(self, now_ms: typing.SupportsInt | typing.SupportsIndex, worker: str | None = None, max_attempts: typing.SupportsInt | typing.SupportsIndex = 3) -> int:
        """
        Leases that expired before now_ms (or every lease of `worker`) go back to received, or to failed once they used max_attempts. Returns how many.
        """
    def renew_leases(self, worker: str, job_ids: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], lease_ms: typing.SupportsInt | typing.SupportsIndex) -> int:
        """
        Extends the leases `worker` still holds among job_ids; returns how many it holds.
        """
    def retry_failed_jobs(self, batch_id: typing.SupportsInt | typing.SupportsIndex, only_retryable: bool = False) -> int:
        """
        Failed jobs of the batch go back to received with no attempts used (only_retryable: only those whose error code is io_error, unavailable or rate_limited, the failures a resume may cure). Returns how many.
        """
    def set_batch_state(self, id: typing.SupportsInt | typing.SupportsIndex, state: str) -> Batch:
        """
        Moves a batch to a BatchState (or its name); InvalidArgumentError for another name, ConflictError when the move is not allowed: a done or cancelled batch stays so. Cancelling cancels its received jobs.
        """
    def set_job_content(self, job_id: typing.SupportsInt | typing.SupportsIndex, worker: str, sha256: str, bytes: typing.SupportsInt | typing.SupportsIndex) -> Job:
        """
        Records the content of a leased process job's file found only once it ran (a URL-list job's fetched bytes): its SHA-256 (64 lowercase hex digits) and size, as add_jobs records a folder's file; the same values again change nothing. ConflictError when `worker` no longer holds the lease or the job has another sha256; InvalidArgumentError for a malformed sha256.
        """
class CatalogDatabase(CatalogStore, JobQueue):
    """
    A SQL database holding both the catalog (CatalogStore) and its ingest queue (JobQueue): what open_sqlite_catalog and open_postgresql_catalog return.
    """
class ConflictFinding:
    """
    What ingest found for one file before the store knows its ids: the file (named `sku`) is (kind 'exact') or looks like (kind 'near', at pHash `distance`) the stored image image_id, filed under another SKU.
    """
    __hash__: typing.ClassVar[None] = None
    kind: str
    sku: str
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __init__(self, kind: str, image_id: typing.SupportsInt | typing.SupportsIndex, sku: str, distance: typing.SupportsInt | typing.SupportsIndex = 0) -> None:
        ...
    @property
    def distance(self) -> int:
        ...
    @distance.setter
    def distance(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def image_id(self) -> int:
        ...
    @image_id.setter
    def image_id(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class SkuConflict:
    """
    A photo filed under two SKUs. image_* is the photo already in the bank (image_id None once discarded); other_* the file that arrived later (other_image_id None for an exact conflict: its bytes were not stored again). kind: 'exact' or 'near'; state: 'open', 'relinked', 'discarded' or 'dismissed'.
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def batch_id(self) -> int | None:
        ...
    @property
    def collection_id(self) -> int | None:
        ...
    @property
    def created_ms(self) -> int:
        ...
    @property
    def distance(self) -> int:
        ...
    @property
    def id(self) -> int:
        ...
    @property
    def image_id(self) -> int | None:
        ...
    @property
    def image_name(self) -> str:
        ...
    @property
    def image_sku(self) -> str:
        ...
    @property
    def job_id(self) -> int | None:
        ...
    @property
    def kind(self) -> str:
        ...
    @property
    def other_image_id(self) -> int | None:
        ...
    @property
    def other_name(self) -> str:
        ...
    @property
    def other_sku(self) -> str:
        ...
    @property
    def resolved_by(self) -> str:
        ...
    @property
    def resolved_ms(self) -> int:
        ...
    @property
    def resolved_sku(self) -> str:
        ...
    @property
    def state(self) -> str:
        ...
class ConflictResolved:
    """
    What resolving did: the conflict as it now stands; for a discard, the removed image and its objects' keys.
    """
    @property
    def conflict(self) -> SkuConflict:
        ...
    @property
    def discarded(self) -> ImageRecord | None:
        ...
    @property
    def discarded_blob_keys(self) -> list[str]:
        ...
class SkuConflictIterator:
    def __iter__(self) -> SkuConflictIterator:
        ...
    def __next__(self) -> SkuConflict:
        ...
class Batch:
    """
    An ingest batch: its state (a BatchState); receiving is True until every file has its job.
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def analysis(self) -> str:
        """
        The analyzers that describe its new images (URIs, comma-separated); '' for none.
        """
    @property
    def collection_id(self) -> int:
        ...
    @property
    def created_ms(self) -> int:
        ...
    @property
    def group_id(self) -> int:
        """
        The parts of one URL list share a group: the id of its first part (0 for a batch alone).
        """
    @property
    def id(self) -> int:
        ...
    @property
    def part(self) -> int:
        """
        Its place in its group, from 1 (0 for a batch alone).
        """
    @property
    def receiving(self) -> bool:
        ...
    @property
    def source(self) -> str:
        ...
    @property
    def state(self) -> imagebank.states.BatchState:
        ...
    @property
    def updated_ms(self) -> int:
        ...
class Job:
    """
    One file of an ingest batch: its state (a JobState) and, once it failed (or while it waits for a retry), its error as the imagebank.Error subclass of its code, not raised.
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def attempts(self) -> int:
        ...
    @property
    def batch_id(self) -> int:
        ...
    @property
    def bytes(self) -> int:
        ...
    @property
    def created_ms(self) -> int:
        ...
    @property
    def error(self) -> imagebank.errors.Error | None:
        """
        Why it failed (its class says the code, str() the message); None when it has not.
        """
    @property
    def id(self) -> int:
        ...
    @property
    def image_id(self) -> int | None:
        ...
    @property
    def kind(self) -> imagebank.states.JobKind:
        """
        A JobKind: process (a file) or analyze (its image).
        """
    @property
    def lease_until_ms(self) -> int:
        ...
    @property
    def original_name(self) -> str:
        ...
    @property
    def sha256(self) -> str:
        ...
    @property
    def source_path(self) -> str:
        ...
    @property
    def state(self) -> imagebank.states.JobState:
        ...
    @property
    def updated_ms(self) -> int:
        ...
    @property
    def worker(self) -> str:
        ...
class JobInsert:
    """
    A received file, for JobQueue.add_jobs. state: received (to process), duplicate (image_id set) or failed (error set: an imagebank.Error instance).
    """
    error: imagebank.errors.Error | None
    original_name: str
    sha256: str
    source_path: str
    def __init__(self, source_path: str, *, original_name: str = '', sha256: str = '', bytes: typing.SupportsInt | typing.SupportsIndex = 0, state: str = 'received', error: imagebank.errors.Error | None = None, image_id: typing.SupportsInt | typing.SupportsIndex | None = None) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def bytes(self) -> int:
        ...
    @bytes.setter
    def bytes(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def conflicts(self) -> list[ConflictFinding]:
        """
        A duplicate's cross-SKU conflicts (ConflictFinding).
        """
    @conflicts.setter
    def conflicts(self, arg0: collections.abc.Sequence[ConflictFinding]) -> None:
        ...
    @property
    def image_id(self) -> int | None:
        ...
    @image_id.setter
    def image_id(self, arg0: typing.SupportsInt | typing.SupportsIndex | None) -> None:
        ...
    @property
    def state(self) -> imagebank.states.JobState:
        ...
    @state.setter
    def state(self, arg0: str) -> None:
        ...
class LeaseOptions:
    """
    What JobQueue.lease_jobs asks for: up to max_jobs due jobs for `worker`, leased for lease_ms, of one batch or of every runnable one.
    """
    worker: str
    def __init__(self, worker: str, *, max_jobs: typing.SupportsInt | typing.SupportsIndex = 1, lease_ms: typing.SupportsInt | typing.SupportsIndex = 300000, batch_id: typing.SupportsInt | typing.SupportsIndex | None = None, kind: str = 'process') -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def batch_id(self) -> int | None:
        ...
    @batch_id.setter
    def batch_id(self, arg0: typing.SupportsInt | typing.SupportsIndex | None) -> None:
        ...
    @property
    def kind(self) -> imagebank.states.JobKind:
        ...
    @kind.setter
    def kind(self, arg0: str) -> None:
        ...
    @property
    def lease_ms(self) -> int:
        ...
    @lease_ms.setter
    def lease_ms(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_jobs(self) -> int:
        ...
    @max_jobs.setter
    def max_jobs(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class NearDuplicate:
    """
    A near-duplicate flagged for review: image_id looks like other_image_id (Hamming distance of their hashes).
    """
    __hash__: typing.ClassVar[None] = None
    algorithm: str
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __init__(self, other_image_id: typing.SupportsInt | typing.SupportsIndex, distance: typing.SupportsInt | typing.SupportsIndex, *, image_id: typing.SupportsInt | typing.SupportsIndex = 0, algorithm: str = 'phash') -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def distance(self) -> int:
        ...
    @distance.setter
    def distance(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def image_id(self) -> int:
        ...
    @image_id.setter
    def image_id(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def other_image_id(self) -> int:
        ...
    @other_image_id.setter
    def other_image_id(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class JobOutcome:
    """
    What JobQueue.complete_job commits with the job's end: the image, its variants and near-duplicates (their image_id is set by the store).
    """
    image: ImageRecord
    def __init__(self, image: ImageRecord, variants: collections.abc.Sequence[VariantRecord] = [], near_duplicates: collections.abc.Sequence[NearDuplicate] = [], conflicts: collections.abc.Sequence[ConflictFinding] = []) -> None:
        ...
    @property
    def conflicts(self) -> list[ConflictFinding]:
        """
        Cross-SKU conflicts of this file (ConflictFinding).
        """
    @conflicts.setter
    def conflicts(self, arg0: collections.abc.Sequence[ConflictFinding]) -> None:
        ...
    @property
    def near_duplicates(self) -> list[NearDuplicate]:
        ...
    @near_duplicates.setter
    def near_duplicates(self, arg0: collections.abc.Sequence[NearDuplicate]) -> None:
        ...
    @property
    def variants(self) -> list[VariantRecord]:
        ...
    @variants.setter
    def variants(self, arg0: collections.abc.Sequence[VariantRecord]) -> None:
        ...
class JobCounts:
    """
    The jobs of a batch by state.
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def cancelled(self) -> int:
        ...
    @property
    def done(self) -> int:
        ...
    @property
    def duplicate(self) -> int:
        ...
    @property
    def failed(self) -> int:
        ...
    @property
    def finished_since(self) -> int:
        """
        Jobs that reached done, duplicate or failed at or after the since_ms asked.
        """
    @property
    def leased(self) -> int:
        ...
    @property
    def open(self) -> int:
        """
        Jobs still to process (received + leased).
        """
    @property
    def received(self) -> int:
        """
        Waiting, including retries not yet due.
        """
    @property
    def total(self) -> int:
        """
        Every job.
        """
class ImageHashRow:
    """
    An image's id and pHash.
    """
    def __repr__(self) -> str:
        ...
    @property
    def id(self) -> int:
        ...
    @property
    def phash(self) -> int:
        ...
class JobIterator:
    def __iter__(self) -> JobIterator:
        ...
    def __next__(self) -> Job:
        ...
class ViewPhotos:
    """
    How many photos (linked, not rejected) of one view a product has; view is '' for photos without one.
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def photos(self) -> int:
        ...
    @property
    def view(self) -> str:
        ...
class ProductSummary:
    """
    A product with its photo counts: photos (linked, not rejected, any view) and views (per view, by name).
    """
    def __repr__(self) -> str:
        ...
    @property
    def photos(self) -> int:
        ...
    @property
    def product(self) -> Product:
        ...
    @property
    def views(self) -> list[ViewPhotos]:
        ...
class NearDuplicatePair:
    """
    A near-duplicate pair with both photos as stored: image is pair.image_id (the newer photo), other is pair.other_image_id.
    """
    def __repr__(self) -> str:
        ...
    @property
    def image(self) -> ImageRecord:
        ...
    @property
    def other(self) -> ImageRecord:
        ...
    @property
    def pair(self) -> NearDuplicate:
        ...
class ProductSummaryIterator:
    def __iter__(self) -> ProductSummaryIterator:
        ...
    def __next__(self) -> ProductSummary:
        ...
class ApiKeyRecord:
    """
    An API key as the catalog keeps it: never the key itself, only its SHA-256.
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __init__(self, *, name: str, prefix: str, secret_hash: str, scopes: collections.abc.Sequence[str]) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def created_ms(self) -> int:
        ...
    @property
    def id(self) -> int:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def prefix(self) -> str:
        ...
    @property
    def revoked_ms(self) -> int | None:
        ...
    @property
    def scopes(self) -> list[str]:
        ...
    @property
    def secret_hash(self) -> str:
        ...
class NewApiKey:
    """
    A key just made: `key` exists nowhere else; show it once.
    """
    def __repr__(self) -> str:
        ...
    @property
    def key(self) -> str:
        ...
    @property
    def record(self) -> ApiKeyRecord:
        ...
class ApiKeys:
    """
    Makes, lists, revokes and checks the server's API keys (stored in the catalog as hashes). Thread-safe; calls release the GIL.
    """
    @staticmethod
    def prefix_of(key: str) -> str:
        """
        'ib_3f9a1c2e' for a well-formed key, '' otherwise.
        """
    def __init__(self, catalog: CatalogStore, *, cache_ms: typing.SupportsInt | typing.SupportsIndex = 5000) -> None:
        ...
    def authenticate(self, key: str) -> ApiKeyRecord:
        """
        The key's record; UnauthenticatedError for a malformed, unknown, revoked or wrong key.
        """
    def authorize(self, key: str, scope: str) -> ApiKeyRecord:
        """
        authenticate(), then PermissionDeniedError when the key's scopes do not allow `scope`.
        """
    def create(self, name: str, *, scopes: collections.abc.Sequence[str]) -> NewApiKey:
        ...
    def list(self) -> list[ApiKeyRecord]:
        ...
    def revoke(self, prefix: str) -> ApiKeyRecord:
        ...
class UrlSigner:
    """
    Signs and verifies image URLs (HMAC-SHA256, expiry, several keys for rotation: the first signs).
    """
    @staticmethod
    def strip_signature(query: str) -> str:
        ...
    def __init__(self, keys: collections.abc.Sequence[tuple[str, str]]) -> None:
        """
        keys: [(id, secret)], secrets of at least 32 bytes.
        """
    def sign(self, target: str, expires_unix_s: typing.SupportsInt | typing.SupportsIndex) -> str:
        ...
    def verify(self, target: str, now_unix_s: typing.SupportsInt | typing.SupportsIndex) -> None:
        """
        Returns when the signature is valid and unexpired; raises UnauthenticatedError (unsigned, malformed) or PermissionDeniedError (wrong, unknown key, expired).
        """
    @property
    def key_ids(self) -> list[str]:
        ...
class ImageServiceStats:
    @property
    def generation_failed(self) -> int:
        ...
    @property
    def generation_joined(self) -> int:
        ...
    @property
    def not_modified(self) -> int:
        ...
    @property
    def plans(self) -> int:
        ...
    @property
    def rejected_busy(self) -> int:
        ...
    @property
    def variants_generated(self) -> int:
        ...
class ImagePlan:
    """
    What to answer an image request: status, headers and the blob range to send.
    """
    def __repr__(self) -> str:
        ...
    def header(self, name: str) -> str | None:
        ...
    @property
    def blob_key(self) -> str:
        ...
    @property
    def blob_size(self) -> int:
        ...
    @property
    def content_type(self) -> str:
        ...
    @property
    def error(self) -> imagebank.errors.Error | None:
        """
        The reason of a 4xx/5xx as an imagebank.Error (not raised); None otherwise.
        """
    @property
    def format(self) -> str:
        ...
    @property
    def generated(self) -> bool:
        ...
    @property
    def headers(self) -> list[tuple[str, str]]:
        ...
    @property
    def image_id(self) -> int:
        ...
    @property
    def length(self) -> int:
        ...
    @property
    def offset(self) -> int:
        ...
    @property
    def preset(self) -> str:
        ...
    @property
    def status(self) -> int:
        ...
class ImageService:
    """
    Image requests -> response plans: negotiation, ETags, cache headers, ranges, on-demand variants with single flight. Thread-safe; plan() releases the GIL.
    """
    def __init__(self, catalog: CatalogStore, blobs: BlobStore, *, presets: collections.abc.Sequence[str | Preset] | None = None, formats: collections.abc.Sequence[str] = ['avif', 'webp', 'jpeg'], generate_on_demand: bool = True, max_encodes: typing.SupportsInt | typing.SupportsIndex = 2, max_waiting_encodes: typing.SupportsInt | typing.SupportsIndex = 32, retry_after_s: typing.SupportsInt | typing.SupportsIndex = 2, cache_control: str = 'public, max-age=31536000, immutable', cache_ms: typing.SupportsInt | typing.SupportsIndex = 5000, cache_entries: typing.SupportsInt | typing.SupportsIndex = 100000) -> None:
        ...
    def plan(self, id: str, *, size: str = 'original', format: str = 'auto', accept: str = '', if_none_match: str = '', range: str = '', background: str = '') -> ImagePlan:
        """
        The plan for /images/{id}?size=&format=&bg= with these request headers (background 'removed': the preset cut out onto transparency). Never raises for a bad request: see status and error.
        """
    def plan_cached(self, id: str, *, size: str = 'original', format: str = 'auto', accept: str = '', if_none_match: str = '', range: str = '', background: str = '') -> ImagePlan | None:
        """
        The plan when memory alone can make it (for an event loop); None when the catalog, the storage or an encoder is needed.
        """
    def stats(self) -> ImageServiceStats:
        ...
class NamedNearDuplicate:
    """
    A near duplicate of a batch's photo with the names of both photos.
    """
    def __repr__(self) -> str:
        ...
    @property
    def image_name(self) -> str:
        ...
    @property
    def other_name(self) -> str:
        """
        The photo it looks like.
        """
    @property
    def pair(self) -> NearDuplicate:
        """
        pair.image_id is the batch's photo.
        """
class BatchReview:
    """
    What needs a person's eye after a batch.
    """
    def __repr__(self) -> str:
        ...
    @property
    def batch_id(self) -> int:
        ...
    @property
    def conflict_count(self) -> int:
        """
        Cross-SKU conflicts the batch's files brought.
        """
    @property
    def conflicts(self) -> list[SkuConflict]:
        """
        The first max_named of them (SkuConflict), by id.
        """
    @property
    def failed(self) -> list[Job]:
        """
        The first max_named failed jobs, by id, each with its error (jobs.list_jobs pages through the rest).
        """
    @property
    def failed_count(self) -> int:
        """
        How many jobs of the batch failed (files and analyses).
        """
    @property
    def near_duplicate_count(self) -> int:
        """
        Near duplicates flagged for the batch's photos.
        """
    @property
    def near_duplicates(self) -> list[NamedNearDuplicate]:
        """
        The first max_named of them, by image id.
        """
    @property
    def unmatched(self) -> int:
        """
        Photos of the batch matched to no product.
        """
class Bank:
    """
    An image bank: its catalog (SQLite or PostgreSQL) and its files (local disk or S3). Thread-safe; calls release the GIL.
    """
    @staticmethod
    def open(db: str | None = None, storage: str | None = None, *, dir: str | bytes | os.PathLike[str] | os.PathLike[bytes] = 'imagebank-data', pool_size: typing.SupportsInt | typing.SupportsIndex = 4) -> Bank:
        """
        Opens a bank. With no URI, the defaults inside `dir`: bank.db (SQLite) and files/ (local disk).
        """
    def analyze(self, *, vision: collections.abc.Sequence[str] = ['offline'], analyzers: collections.abc.Sequence[VisionAnalyzer] = [], batch: typing.SupportsInt | typing.SupportsIndex | None = None, collection: str | None = None, status: str | None = None, images: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] = [], workers: typing.SupportsInt | typing.SupportsIndex = 0, force: bool = False, limits: collections.abc.Mapping[str, VisionLimit] = {}, max_tries: typing.SupportsInt | typing.SupportsIndex = 3, max_wait: typing.SupportsFloat | typing.SupportsIndex = 60.0, timeout: typing.SupportsFloat | typing.SupportsIndex = 60.0, locale: str = 'pt-BR', want_items: bool = True, env: collections.abc.Mapping[str, str] | None = None, progress: collections.abc.Callable[[AnalyzeProgress], typing.Any] | None = None, progress_interval: typing.SupportsFloat | typing.SupportsIndex = 0.5) -> AnalyzeReport:
        """
        Describes images with a chain of vision analyzers (`analyzers`, Python plug-ins, first; then the `vision` names or URIs: openai, gemini, google-vision, offline), storing every answer and failed attempt apart from the Carteira's fields. Selection: batch, collection, status, images (AND); unless force, images the first analyzer has not answered yet, and cached answers cost no call. Ctrl-C stops after the photos in hand.
        """
    def batch(self, batch_id: typing.SupportsInt | typing.SupportsIndex) -> BatchProgress:
        ...
    def batches(self) -> list[BatchProgress]:
        """
        Every batch with its counts, rate and ETA, by id.
        """
    def cancel(self, batch_id: typing.SupportsInt | typing.SupportsIndex) -> Batch:
        """
        The batch's waiting jobs are cancelled; done work is kept.
        """
    def check(self, *, verify_content: bool = False, database: bool = True, thorough_database: bool = False, delete_orphans: bool = False, grace: typing.SupportsFloat | typing.SupportsIndex = 3600.0, max_named: typing.SupportsInt | typing.SupportsIndex = 1000, progress: collections.abc.Callable[[CheckReport], typing.Any] | None = None) -> CheckReport:
        """
        The integrity check: every object the catalog's image rows name (each original and variant) is in the store at the recorded size, and no object under originals/ or variants/ is named by no row and no job (an orphan). One pass in SHA-256 order over the rows and the store's listing, in bounded memory. verify_content also reads every object (originals must hash to their SHA-256, variants' headers must give their width and height); database runs the engine's own check (SQLite quick_check, integrity_check when thorough_database, and foreign_key_check); delete_orphans removes the orphans. Unreferenced objects younger than grace seconds (an ingest may be about to name them) are counted apart and never deleted: give 0 only when nothing writes to the bank. progress(report) is called after each 1000 images; Ctrl-C or a progress callback that raises stops the check.
        """
    def collection(self, name: str) -> Collection:
        ...
    def color_review(self, collection: str | None = None, *, disagreements_only: bool = False) -> list[ColorReview]:
        """
        The AI's main colour next to the Carteira's cor for every analysed photo linked to a product.
        """
    def conflicts(self, *, open_only: bool = True, collection: str | None = None, batch_id: typing.SupportsInt | typing.SupportsIndex | None = None, page_size: typing.SupportsInt | typing.SupportsIndex = 1000) -> SkuConflictIterator:
        """
        Iterates over the cross-SKU conflicts (a photo filed under two SKUs) by id: the open ones, or all; of one collection (by name) or batch.
        """
    def coverage(self, collection: str | None = None, required_views: collections.abc.Sequence[str] | None = None) -> list[Coverage]:
        ...
    def enqueue_urls(self, urls: UrlList | collections.abc.Sequence[UrlRow | str], *, collection: str | None = None, brand: str | None = None, season: str | None = None, max_batch_size: typing.SupportsInt | typing.SupportsIndex = 5000, label: str = '') -> list[Batch]:
        """
        Queues a URL list as Bank.ingest_urls does (linked batches of at most max_batch_size URLs, each job received) and processes nothing: resume() each part, or work(), with the allow_hosts and fetch options the URLs need. Returns the parts.
        """
    def export(self, output: str | os.PathLike[str] | typing.BinaryIO, *, format: str | None = None, collection: str | None = None, brand: str | None = None, url_base: str = '', url_size: str = 'original', signing_keys: collections.abc.Sequence[tuple[str, str]] = [], url_expires: typing.SupportsInt | typing.SupportsIndex = 0, required_views: collections.abc.Sequence[str] = [], columns: collections.abc.Sequence[str] = [], csv_delimiter: str = ',', bom: bool = False, page_size: typing.SupportsInt | typing.SupportsIndex = 500, progress: collections.abc.Callable[[ExportProgress], typing.Any] | None = None) -> ExportReport:
        """
        Exports one row per product (Carteira fields, photos per view, coverage, image statuses, AI attributes when analysed, image URLs) as csv, xlsx or jsonl (format=, else the file's suffix) into a file (written whole or not at all) or a binary stream, a page of products at a time. Image URLs are url_base + '/images/<id>?size=<url_size>', signed with signing_keys [(id, secret)] until url_expires (Unix seconds) when given. Ctrl-C or a progress callback that raises stops it.
        """
    def finish_upload(self, batch_id: typing.SupportsInt | typing.SupportsIndex) -> Batch:
        """
        Every file was sent: the upload batch is done once its jobs are (resume() or work() processes them). ConflictError for a batch of paths or a cancelled one.
        """
    def images(self, *, sku_base: str | None = None, collection: str | None = None, status: str | None = None, batch_id: typing.SupportsInt | typing.SupportsIndex | None = None, linked: bool | None = None, page_size: typing.SupportsInt | typing.SupportsIndex = 1000) -> ImageIterator:
        """
        Iterates over the matching images in id order. linked: True = only images linked to a product, False = only unlinked ones.
        """
    def import_carteira(self, file: str | bytes | os.PathLike[str] | os.PathLike[bytes], *, brand: str, collection: str, season: str = '', sheets: collections.abc.Sequence[str] = []) -> CarteiraImport:
        """
        Reads a Carteira file and upserts its products into the collection.
        """
    def ingest(self, paths: str | bytes | os.PathLike[str] | os.PathLike[bytes] | collections.abc.Sequence[str | bytes | os.PathLike[str] | os.PathLike[bytes]], *, collection: str | None = None, brand: str | None = None, season: str | None = None, workers: typing.SupportsInt | typing.SupportsIndex = 0, presets: collections.abc.Sequence[str | Preset] | None = None, formats: collections.abc.Sequence[str] | None = None, max_attempts: typing.SupportsInt | typing.SupportsIndex = 3, lease_seconds: typing.SupportsFloat | typing.SupportsIndex = 300.0, retry_seconds: typing.SupportsFloat | typing.SupportsIndex = 2.0, near_radius: typing.SupportsInt | typing.SupportsIndex = 5, progress: collections.abc.Callable[[BatchProgress], typing.Any] | None = None, progress_interval: typing.SupportsFloat | typing.SupportsIndex = 0.5, limits: Limits | None = None, max_storage_failures: typing.SupportsInt | typing.SupportsIndex = 8, worker_name: str = '', vision: collections.abc.Sequence[str] | None = None, analyzers: collections.abc.Sequence[VisionAnalyzer] = [], analysis_workers: typing.SupportsInt | typing.SupportsIndex = 2, allow_hosts: collections.abc.Sequence[str] = [], fetch_per_host: typing.SupportsInt | typing.SupportsIndex = 2, fetch_concurrency: typing.SupportsInt | typing.SupportsIndex = 16, fetch_connect_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 5.0, fetch_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 60.0) -> Batch:
        """
        Creates a batch of `paths` (files, and folders walked recursively for image files; one path or a list), receives and processes it; returns the batch as it ended (done, or as it was when stopped). collection: the collection whose Carteira photos are matched against (created when `brand` is given; None = keep every photo unmatched). workers: processing threads (0 = one per core). presets: default preset names or Preset objects (None = ['thumbnail', 'small', 'grid', 'detail', 'header', 'zoom']). formats: variant formats (None = ['avif', 'webp', 'jpeg']). max_attempts: tries of a file whose storage keeps failing. lease_seconds: how long a worker holds a job before others may take it. retry_seconds: the first retry delay (doubles). near_radius: pHash Hamming radius of near duplicates (-1 = off). progress: called with a BatchProgress every progress_interval seconds and once at the end; if it raises, the run stops (resumable) and the exception propagates, as does Ctrl-C. max_storage_failures: storage failures in a row that stop the run. worker_name: the lease holder (default host:pid:random). vision, analyzers: the analysis stage — each new photo is also described by these analyzers (Python plug-ins first, then the vision names or URIs: openai, gemini, google-vision, offline) as an analyze job of its own, analysis_workers at a time; an analyzer that is down never holds the variants back. allow_hosts, fetch_*: how URL-list batches fetch — a host ('host' or 'host:port', as URLs name it) in allow_hosts may resolve to a loopback, private or link-local address (every other such URL fails with PermissionDeniedError), fetch_per_host / fetch_concurrency exchanges at once per host / in all, fetch_connect_timeout_seconds per connection, fetch_timeout_seconds per URL (retries and redirects included). The options are checked first, as validate_ingest_options() does.
        """
    def ingest_urls(self, urls: UrlList | collections.abc.Sequence[UrlRow | str], *, collection: str | None = None, brand: str | None = None, season: str | None = None, max_batch_size: typing.SupportsInt | typing.SupportsIndex = 5000, label: str = '', workers: typing.SupportsInt | typing.SupportsIndex = 0, presets: collections.abc.Sequence[str | Preset] | None = None, formats: collections.abc.Sequence[str] | None = None, max_attempts: typing.SupportsInt | typing.SupportsIndex = 3, lease_seconds: typing.SupportsFloat | typing.SupportsIndex = 300.0, retry_seconds: typing.SupportsFloat | typing.SupportsIndex = 2.0, near_radius: typing.SupportsInt | typing.SupportsIndex = 5, progress: collections.abc.Callable[[BatchProgress], typing.Any] | None = None, progress_interval: typing.SupportsFloat | typing.SupportsIndex = 0.5, limits: Limits | None = None, max_storage_failures: typing.SupportsInt | typing.SupportsIndex = 8, worker_name: str = '', vision: collections.abc.Sequence[str] | None = None, analyzers: collections.abc.Sequence[VisionAnalyzer] = [], analysis_workers: typing.SupportsInt | typing.SupportsIndex = 2, allow_hosts: collections.abc.Sequence[str] = [], fetch_per_host: typing.SupportsInt | typing.SupportsIndex = 2, fetch_concurrency: typing.SupportsInt | typing.SupportsIndex = 16, fetch_connect_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 5.0, fetch_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 60.0) -> list[Batch]:
        """
        Fetches a list of image URLs into the bank: `urls` is a UrlList (read_url_list) or a list of UrlRow or URL str. The list is split into linked batches of at most max_batch_size URLs (1..100000; Batch.group_id is the first part's id, Batch.part counts from 1), each resumable on its own; then each part is processed in order (every URL fetched by a worker, stored and processed as a received file; its job ends done, duplicate or failed with the fetch's error: NotFoundError for a 404, PermissionDeniedError for an address the policy refuses, ...). Returns the parts as they ended, stopping after the first that did not end done. label: the list's name, kept in the batches' source ('urls:<label>'). InvalidArgumentError for no rows or a bad row. workers: processing threads (0 = one per core). presets: default preset names or Preset objects (None = ['thumbnail', 'small', 'grid', 'detail', 'header', 'zoom']). formats: variant formats (None = ['avif', 'webp', 'jpeg']). max_attempts: tries of a file whose storage keeps failing. lease_seconds: how long a worker holds a job before others may take it. retry_seconds: the first retry delay (doubles). near_radius: pHash Hamming radius of near duplicates (-1 = off). progress: called with a BatchProgress every progress_interval seconds and once at the end; if it raises, the run stops (resumable) and the exception propagates, as does Ctrl-C. max_storage_failures: storage failures in a row that stop the run. worker_name: the lease holder (default host:pid:random). vision, analyzers: the analysis stage — each new photo is also described by these analyzers (Python plug-ins first, then the vision names or URIs: openai, gemini, google-vision, offline) as an analyze job of its own, analysis_workers at a time; an analyzer that is down never holds the variants back. allow_hosts, fetch_*: how URL-list batches fetch — a host ('host' or 'host:port', as URLs name it) in allow_hosts may resolve to a loopback, private or link-local address (every other such URL fails with PermissionDeniedError), fetch_per_host / fetch_concurrency exchanges at once per host / in all, fetch_connect_timeout_seconds per connection, fetch_timeout_seconds per URL (retries and redirects included). The options are checked first, as validate_ingest_options() does.
        """
    def list_collections(self) -> list[Collection]:
        """
        Every collection, by id.
        """
    def missing_photos(self, collection: str | None = None, page_size: typing.SupportsInt | typing.SupportsIndex = 1000) -> ProductIterator:
        """
        Iterates over the products without a photo (SKUs sem foto).
        """
    def open_upload_batch(self, *, collection: str | None = None, brand: str | None = None, season: str | None = None, label: str = '') -> Batch:
        """
        A batch whose files are handed over one by one with receive_upload() (as a server receives them), queued and receiving until finish_upload(). collection: created when `brand` is given; None = keep every photo unmatched. label: a note kept in the batch's source ('upload:<label>'; 1 KiB at most).
        """
    def open_vision(self, *, vision: collections.abc.Sequence[str] = ['offline'], analyzers: collections.abc.Sequence[VisionAnalyzer] = [], limits: collections.abc.Mapping[str, VisionLimit] = {}, max_tries: typing.SupportsInt | typing.SupportsIndex = 3, max_wait: typing.SupportsFloat | typing.SupportsIndex = 60.0, env: collections.abc.Mapping[str, str] | None = None) -> VisionChain:
        """
        The VisionChain of `analyzers` (Python plug-ins) then the `vision` names or URIs, with rate limits by provider, as Bank.analyze makes it (for analyze_image).
        """
    def pause(self, batch_id: typing.SupportsInt | typing.SupportsIndex) -> Batch:
        """
        Workers stop leasing the batch's jobs (those in hand finish); resume() goes on.
        """
    def receive(self, batch_id: typing.SupportsInt | typing.SupportsIndex, *, workers: typing.SupportsInt | typing.SupportsIndex = 0, presets: collections.abc.Sequence[str | Preset] | None = None, formats: collections.abc.Sequence[str] | None = None, max_attempts: typing.SupportsInt | typing.SupportsIndex = 3, lease_seconds: typing.SupportsFloat | typing.SupportsIndex = 300.0, retry_seconds: typing.SupportsFloat | typing.SupportsIndex = 2.0, near_radius: typing.SupportsInt | typing.SupportsIndex = 5, progress: collections.abc.Callable[[BatchProgress], typing.Any] | None = None, progress_interval: typing.SupportsFloat | typing.SupportsIndex = 0.5, limits: Limits | None = None, max_storage_failures: typing.SupportsInt | typing.SupportsIndex = 8, worker_name: str = '', vision: collections.abc.Sequence[str] | None = None, analyzers: collections.abc.Sequence[VisionAnalyzer] = [], analysis_workers: typing.SupportsInt | typing.SupportsIndex = 2, allow_hosts: collections.abc.Sequence[str] = [], fetch_per_host: typing.SupportsInt | typing.SupportsIndex = 2, fetch_concurrency: typing.SupportsInt | typing.SupportsIndex = 16, fetch_connect_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 5.0, fetch_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 60.0) -> Batch:
        """
        Receives the batch's files (its paths are on this machine: originals stored, one job per file) and processes none; workers elsewhere (Bank.work, `imagebank worker`) lease them as they arrive. Safe to call again after a failure: the files the batch has are skipped. Returns the batch (receiving False once every file is in); ConflictError for an upload batch. workers: processing threads (0 = one per core). presets: default preset names or Preset objects (None = ['thumbnail', 'small', 'grid', 'detail', 'header', 'zoom']). formats: variant formats (None = ['avif', 'webp', 'jpeg']). max_attempts: tries of a file whose storage keeps failing. lease_seconds: how long a worker holds a job before others may take it. retry_seconds: the first retry delay (doubles). near_radius: pHash Hamming radius of near duplicates (-1 = off). progress: called with a BatchProgress every progress_interval seconds and once at the end; if it raises, the run stops (resumable) and the exception propagates, as does Ctrl-C. max_storage_failures: storage failures in a row that stop the run. worker_name: the lease holder (default host:pid:random). vision, analyzers: the analysis stage — each new photo is also described by these analyzers (Python plug-ins first, then the vision names or URIs: openai, gemini, google-vision, offline) as an analyze job of its own, analysis_workers at a time; an analyzer that is down never holds the variants back. allow_hosts, fetch_*: how URL-list batches fetch — a host ('host' or 'host:port', as URLs name it) in allow_hosts may resolve to a loopback, private or link-local address (every other such URL fails with PermissionDeniedError), fetch_per_host / fetch_concurrency exchanges at once per host / in all, fetch_connect_timeout_seconds per connection, fetch_timeout_seconds per URL (retries and redirects included). The options are checked first, as validate_ingest_options() does.
        """
    def receive_upload(self, batch_id: typing.SupportsInt | typing.SupportsIndex, file: str | bytes | os.PathLike[str] | os.PathLike[bytes], name: str, *, sha256: str = '', limits: Limits | None = None) -> Job:
        """
        Receives one uploaded file into an upload batch: stores it as the content-addressed original (streamed, never whole in memory) and records its job, committed on return. name: the client's name (a relative path keeps its folders for the SKU grammar). sha256: the file's hex SHA-256 if already computed ('' = read the file to hash it). The job is 'received', 'duplicate' (content already in the bank) or 'failed' with the reason (empty, over limits.max_file_bytes); the same content under the same name is one job. InvalidArgumentError for a bad name, NotFoundError for a missing file or batch, ConflictError when the batch is not an upload batch or no longer receives.
        """
    def reconcile(self, collection: str | None = None) -> ReconcileReport:
        """
        Links the unmatched photos of one collection (or all) to the products of their collection's Carteira; records SkuHistory (actor 'reconcile').
        """
    def resolve_conflict(self, id: typing.SupportsInt | typing.SupportsIndex, action: str, *, sku: str = '', image_id: typing.SupportsInt | typing.SupportsIndex | None = None, reviewer: str) -> ConflictResolved:
        """
        Ends an open conflict. action 'relink': every stored photo of it moves to `sku` (linked to that product of its collection); 'discard': the wrongly filed photo is removed (`image_id`, or the later photo); 'dismiss': a legitimate shared photo, nothing moves. Raises NotFoundError, ConflictError (not open) or InvalidArgumentError. A discard also deletes the photo's objects from the blob store.
        """
    def resume(self, batch_id: typing.SupportsInt | typing.SupportsIndex, *, workers: typing.SupportsInt | typing.SupportsIndex = 0, presets: collections.abc.Sequence[str | Preset] | None = None, formats: collections.abc.Sequence[str] | None = None, max_attempts: typing.SupportsInt | typing.SupportsIndex = 3, lease_seconds: typing.SupportsFloat | typing.SupportsIndex = 300.0, retry_seconds: typing.SupportsFloat | typing.SupportsIndex = 2.0, near_radius: typing.SupportsInt | typing.SupportsIndex = 5, progress: collections.abc.Callable[[BatchProgress], typing.Any] | None = None, progress_interval: typing.SupportsFloat | typing.SupportsIndex = 0.5, limits: Limits | None = None, max_storage_failures: typing.SupportsInt | typing.SupportsIndex = 8, worker_name: str = '', vision: collections.abc.Sequence[str] | None = None, analyzers: collections.abc.Sequence[VisionAnalyzer] = [], analysis_workers: typing.SupportsInt | typing.SupportsIndex = 2, allow_hosts: collections.abc.Sequence[str] = [], fetch_per_host: typing.SupportsInt | typing.SupportsIndex = 2, fetch_concurrency: typing.SupportsInt | typing.SupportsIndex = 16, fetch_connect_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 5.0, fetch_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 60.0) -> Batch:
        """
        Goes on with a batch that stopped (crash, pause, Ctrl-C, storage failure): finishes receiving, requeues dead workers' jobs and storage failures, and processes it to the end; a batch made with vision analyzers gets them again when none are given. workers: processing threads (0 = one per core). presets: default preset names or Preset objects (None = ['thumbnail', 'small', 'grid', 'detail', 'header', 'zoom']). formats: variant formats (None = ['avif', 'webp', 'jpeg']). max_attempts: tries of a file whose storage keeps failing. lease_seconds: how long a worker holds a job before others may take it. retry_seconds: the first retry delay (doubles). near_radius: pHash Hamming radius of near duplicates (-1 = off). progress: called with a BatchProgress every progress_interval seconds and once at the end; if it raises, the run stops (resumable) and the exception propagates, as does Ctrl-C. max_storage_failures: storage failures in a row that stop the run. worker_name: the lease holder (default host:pid:random). vision, analyzers: the analysis stage — each new photo is also described by these analyzers (Python plug-ins first, then the vision names or URIs: openai, gemini, google-vision, offline) as an analyze job of its own, analysis_workers at a time; an analyzer that is down never holds the variants back. allow_hosts, fetch_*: how URL-list batches fetch — a host ('host' or 'host:port', as URLs name it) in allow_hosts may resolve to a loopback, private or link-local address (every other such URL fails with PermissionDeniedError), fetch_per_host / fetch_concurrency exchanges at once per host / in all, fetch_connect_timeout_seconds per connection, fetch_timeout_seconds per URL (retries and redirects included). The options are checked first, as validate_ingest_options() does.
        """
    def retry_failed(self, batch_id: typing.SupportsInt | typing.SupportsIndex) -> int:
        """
        Failed jobs go back to the queue (resume() processes them). Returns how many.
        """
    def review(self, batch_id: typing.SupportsInt | typing.SupportsIndex, max_named: typing.SupportsInt | typing.SupportsIndex = 1000) -> BatchReview:
        """
        What needs a person's eye after a batch: photos matched to no product, near duplicates (the first max_named with the names of both photos), cross-SKU conflicts and failed jobs (each counted, the first max_named listed).
        """
    def status_counts(self, collection: str | None = None) -> list[ImageCount]:
        ...
    def validate_export(self, *, format: str = 'csv', collection: str | None = None, brand: str | None = None, url_base: str = '', url_size: str = 'original', signing_keys: collections.abc.Sequence[tuple[str, str]] = [], url_expires: typing.SupportsInt | typing.SupportsIndex = 0, required_views: collections.abc.Sequence[str] = [], columns: collections.abc.Sequence[str] = [], csv_delimiter: str = ',', page_size: typing.SupportsInt | typing.SupportsIndex = 500) -> None:
        """
        Raises what Bank.export would raise before writing (a bad option, an unknown collection or brand) and writes nothing.
        """
    def work(self, follow: bool = False, *, workers: typing.SupportsInt | typing.SupportsIndex = 0, presets: collections.abc.Sequence[str | Preset] | None = None, formats: collections.abc.Sequence[str] | None = None, max_attempts: typing.SupportsInt | typing.SupportsIndex = 3, lease_seconds: typing.SupportsFloat | typing.SupportsIndex = 300.0, retry_seconds: typing.SupportsFloat | typing.SupportsIndex = 2.0, near_radius: typing.SupportsInt | typing.SupportsIndex = 5, progress: collections.abc.Callable[[BatchProgress], typing.Any] | None = None, progress_interval: typing.SupportsFloat | typing.SupportsIndex = 0.5, limits: Limits | None = None, max_storage_failures: typing.SupportsInt | typing.SupportsIndex = 8, worker_name: str = '', vision: collections.abc.Sequence[str] | None = None, analyzers: collections.abc.Sequence[VisionAnalyzer] = [], analysis_workers: typing.SupportsInt | typing.SupportsIndex = 2, allow_hosts: collections.abc.Sequence[str] = [], fetch_per_host: typing.SupportsInt | typing.SupportsIndex = 2, fetch_concurrency: typing.SupportsInt | typing.SupportsIndex = 16, fetch_connect_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 5.0, fetch_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 60.0) -> WorkReport:
        """
        Processes the jobs of every runnable batch, oldest first, until the queue is empty (follow=False) or Ctrl-C / a raising progress callback (follow=True). workers: processing threads (0 = one per core). presets: default preset names or Preset objects (None = ['thumbnail', 'small', 'grid', 'detail', 'header', 'zoom']). formats: variant formats (None = ['avif', 'webp', 'jpeg']). max_attempts: tries of a file whose storage keeps failing. lease_seconds: how long a worker holds a job before others may take it. retry_seconds: the first retry delay (doubles). near_radius: pHash Hamming radius of near duplicates (-1 = off). progress: called with a BatchProgress every progress_interval seconds and once at the end; if it raises, the run stops (resumable) and the exception propagates, as does Ctrl-C. max_storage_failures: storage failures in a row that stop the run. worker_name: the lease holder (default host:pid:random). vision, analyzers: the analysis stage — each new photo is also described by these analyzers (Python plug-ins first, then the vision names or URIs: openai, gemini, google-vision, offline) as an analyze job of its own, analysis_workers at a time; an analyzer that is down never holds the variants back. allow_hosts, fetch_*: how URL-list batches fetch — a host ('host' or 'host:port', as URLs name it) in allow_hosts may resolve to a loopback, private or link-local address (every other such URL fails with PermissionDeniedError), fetch_per_host / fetch_concurrency exchanges at once per host / in all, fetch_connect_timeout_seconds per connection, fetch_timeout_seconds per URL (retries and redirects included). The options are checked first, as validate_ingest_options() does.
        """
    @property
    def api_keys(self) -> ApiKeys:
        """
        The server's API keys (stored in the catalog).
        """
    @property
    def blobs(self) -> BlobStore:
        ...
    @property
    def catalog(self) -> CatalogStore:
        ...
    @property
    def jobs(self) -> JobQueue:
        """
        The ingest queue: batches, jobs, leases.
        """
class ExportProgress:
    """
    How far an export is: rows and their images written so far.
    """
    @property
    def elapsed_seconds(self) -> float:
        ...
    @property
    def images(self) -> int:
        ...
    @property
    def products(self) -> int:
        ...
class ExportReport:
    """
    What an export wrote.
    """
    def __repr__(self) -> str:
        ...
    @property
    def analysed(self) -> int:
        """
        Products whose AI columns are filled.
        """
    @property
    def bytes(self) -> int:
        ...
    @property
    def columns(self) -> list[str]:
        """
        The header of a csv or xlsx export.
        """
    @property
    def elapsed_seconds(self) -> float:
        ...
    @property
    def format(self) -> str:
        ...
    @property
    def images(self) -> int:
        ...
    @property
    def products(self) -> int:
        ...
class PhotoViews:
    """
    The views the photos of a scope show, by name ('' for photos without one), and whether any of them has a successful analysis.
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, other: builtins.object) -> bool:
        ...
    @property
    def analysed(self) -> bool:
        ...
    @property
    def views(self) -> list[str]:
        ...
class BlobRef:
    """
    An object a catalog row names, with the size (and for a picture the width and height) it records.
    """
    def __repr__(self) -> str:
        ...
    @property
    def bytes(self) -> int:
        ...
    @property
    def height(self) -> int:
        ...
    @property
    def key(self) -> str:
        ...
    @property
    def width(self) -> int:
        ...
class ImageBlobs:
    """
    The objects one image row names: its original and its variants (in key order).
    """
    def __repr__(self) -> str:
        ...
    @property
    def id(self) -> int:
        ...
    @property
    def original(self) -> BlobRef:
        ...
    @property
    def sha256(self) -> str:
        ...
    @property
    def variants(self) -> list[BlobRef]:
        ...
class CheckProblem:
    """
    One object the integrity check found wrong.
    """
    def __repr__(self) -> str:
        ...
    @property
    def detail(self) -> str:
        ...
    @property
    def key(self) -> str:
        ...
    @property
    def kind(self) -> str:
        """
        'missing', 'size_mismatch', 'content_mismatch', 'unreadable' or 'orphan'.
        """
class CheckReport:
    """
    What an integrity check found (counts, the engine's findings, the first problems by name).
    """
    def __repr__(self) -> str:
        ...
    @property
    def clean(self) -> bool:
        """
        Nothing missing, mismatched or unreadable, no database finding, no orphan left.
        """
    @property
    def content_mismatches(self) -> int:
        ...
    @property
    def database(self) -> list[str] | None:
        """
        The engine's findings, one line each ([]: consistent); None when not run or not available (PostgreSQL).
        """
    @property
    def held_by_jobs(self) -> int:
        ...
    @property
    def images(self) -> int:
        ...
    @property
    def missing(self) -> int:
        ...
    @property
    def objects(self) -> int:
        ...
    @property
    def orphan_bytes(self) -> int:
        ...
    @property
    def orphans(self) -> int:
        ...
    @property
    def orphans_deleted(self) -> int:
        ...
    @property
    def problems(self) -> list[CheckProblem]:
        ...
    @property
    def recent_unreferenced(self) -> int:
        ...
    @property
    def size_mismatches(self) -> int:
        ...
    @property
    def unreadable(self) -> int:
        ...
    @property
    def variants(self) -> int:
        ...
class VisionRequest:
    """
    What an analyzer is asked for.
    """
    locale: str
    want_items: bool
    def __init__(self, *, locale: str = 'pt-BR', want_items: bool = True, schema_version: typing.SupportsInt | typing.SupportsIndex = 1, timeout: typing.SupportsFloat | typing.SupportsIndex = 60.0) -> None:
        ...
    @property
    def schema_version(self) -> int:
        ...
    @schema_version.setter
    def schema_version(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def timeout(self) -> float:
        ...
class VisionItem:
    """
    One piece of a look photo, with its box.
    """
    __hash__: typing.ClassVar[None] = None
    label: str
    def __eq__(self, arg0: builtins.object) -> bool:
        ...
    def __init__(self, *, label: str = '', box: typing.Annotated[collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], "FixedSize(4)"] = [0.0, 0.0, 0.0, 0.0], colors: collections.abc.Sequence[VisionColor] = [], attributes: collections.abc.Mapping[str, str] = {}, confidence: typing.SupportsFloat | typing.SupportsIndex = 0.0) -> None:
        ...
    @property
    def attributes(self) -> dict[str, str]:
        ...
    @attributes.setter
    def attributes(self, arg0: collections.abc.Mapping[str, str]) -> None:
        ...
    @property
    def box(self) -> typing.Annotated[list[float], "FixedSize(4)"]:
        ...
    @box.setter
    def box(self, arg0: typing.Annotated[collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], "FixedSize(4)"]) -> None:
        ...
    @property
    def colors(self) -> list[VisionColor]:
        ...
    @colors.setter
    def colors(self, arg0: collections.abc.Sequence[VisionColor]) -> None:
        ...
    @property
    def confidence(self) -> float:
        ...
    @confidence.setter
    def confidence(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class VisionResult:
    """
    What an analyzer said about one photo.
    """
    __hash__: typing.ClassVar[None] = None
    blurhash: str
    description: str
    garment_type: str
    material: str
    model: str
    provider: str
    quality: PhotoQuality | None
    raw_json: str
    style: str
    def __eq__(self, arg0: builtins.object) -> bool:
        ...
    def __init__(self, *, provider: str = '', model: str = '') -> None:
        ...
    @property
    def colors(self) -> list[VisionColor]:
        ...
    @colors.setter
    def colors(self, arg0: collections.abc.Sequence[VisionColor]) -> None:
        ...
    @property
    def confidence(self) -> float:
        ...
    @confidence.setter
    def confidence(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def input_tokens(self) -> int:
        ...
    @input_tokens.setter
    def input_tokens(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def items(self) -> list[VisionItem]:
        ...
    @items.setter
    def items(self, arg0: collections.abc.Sequence[VisionItem]) -> None:
        ...
    @property
    def output_tokens(self) -> int:
        ...
    @output_tokens.setter
    def output_tokens(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def tags(self) -> list[str]:
        ...
    @tags.setter
    def tags(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
class VisionImage:
    """
    A photo as analyzers receive it: upright, sRGB, long side at most VISION_MAX_SIDE, as a JPEG and as RGB pixels.
    """
    def __init__(self, sha256: str, jpeg: typing_extensions.Buffer, *, name: str = '', width: typing.SupportsInt | typing.SupportsIndex = 0, height: typing.SupportsInt | typing.SupportsIndex = 0, rgb: typing_extensions.Buffer | None = None) -> None:
        ...
    @property
    def height(self) -> int:
        ...
    @property
    def jpeg(self) -> bytes:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def rgb(self) -> bytes:
        ...
    @property
    def sha256(self) -> str:
        ...
    @property
    def width(self) -> int:
        ...
class VisionAnalyzer:
    """
    Describes photos. Subclass it in Python to plug in your own model: implement provider(), model() and analyze(image, request) -> VisionResult, and raise imagebank errors (RateLimitedError with retry_after, QuotaExhaustedError, RefusedError, UnavailableError, ...) so the chain can act on them.
    """
    def __init__(self) -> None:
        ...
    def analyze(self, image: VisionImage, request: VisionRequest) -> VisionResult:
        """
        Describes one photo; raises the failure's imagebank error.
        """
    def analyze_batch(self, images: collections.abc.Sequence[VisionImage], request: VisionRequest) -> list[VisionResult | imagebank.errors.Error]:
        """
        Describes several photos in one exchange where the service allows it: a VisionResult or the photo's error, in order.
        """
    def max_batch(self) -> int:
        ...
    def model(self) -> str:
        ...
    def provider(self) -> str:
        ...
class VisionLimit:
    """
    A provider's rate limits (0 = none).
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, arg0: builtins.object) -> bool:
        ...
    def __init__(self, *, requests_per_minute: typing.SupportsInt | typing.SupportsIndex = 0, tokens_per_minute: typing.SupportsInt | typing.SupportsIndex = 0, max_concurrent: typing.SupportsInt | typing.SupportsIndex = 0) -> None:
        ...
    @property
    def max_concurrent(self) -> int:
        ...
    @max_concurrent.setter
    def max_concurrent(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def requests_per_minute(self) -> int:
        ...
    @requests_per_minute.setter
    def requests_per_minute(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def tokens_per_minute(self) -> int:
        ...
    @tokens_per_minute.setter
    def tokens_per_minute(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class VisionAttempt:
    """
    One analyzer's part in analysing one photo.
    """
    @property
    def cached(self) -> bool:
        ...
    @property
    def elapsed_ms(self) -> int:
        ...
    @property
    def error(self) -> imagebank.errors.Error | None:
        ...
    @property
    def model(self) -> str:
        ...
    @property
    def provider(self) -> str:
        ...
    @property
    def skipped(self) -> bool:
        ...
    @property
    def tries(self) -> int:
        ...
class VisionOutcome:
    """
    What a VisionChain made of one photo.
    """
    @property
    def attempts(self) -> list[VisionAttempt]:
        ...
    @property
    def cached(self) -> bool:
        ...
    @property
    def error(self) -> imagebank.errors.Error | None:
        ...
    @property
    def result(self) -> VisionResult | None:
        ...
class VisionChain:
    """
    Analyzers in order of preference with fallback, retries and per-provider rate limits shared by every thread.
    """
    def __init__(self, analyzers: collections.abc.Sequence[VisionAnalyzer], *, limits: collections.abc.Mapping[str, VisionLimit] = {}, max_tries: typing.SupportsInt | typing.SupportsIndex = 3, max_wait: typing.SupportsFloat | typing.SupportsIndex = 60.0, base_backoff: typing.SupportsFloat | typing.SupportsIndex = 0.5) -> None:
        ...
    def analyze(self, image: VisionImage, request: VisionRequest) -> VisionOutcome:
        """
        Asks each analyzer in turn until one answers (see the C++ header for what each failure makes the chain do).
        """
    def given_up(self) -> list[str]:
        """
        Providers given up on so far, with the reason.
        """
class ImageAnalysis:
    """
    What analysing one catalog image came to.
    """
    @property
    def attempts(self) -> list[VisionAttempt]:
        ...
    @property
    def cached(self) -> bool:
        """
        The answer was an earlier one: no call was made.
        """
    @property
    def error(self) -> imagebank.errors.Error | None:
        """
        Why no analyzer answered (None when one did); the image stays where it was.
        """
    @property
    def input_tokens(self) -> int:
        ...
    @property
    def model(self) -> str:
        ...
    @property
    def output_tokens(self) -> int:
        ...
    @property
    def provider(self) -> str:
        """
        Who answered ('' when no analyzer did).
        """
    @property
    def retryable(self) -> bool:
        """
        A later attempt may answer (the analyzer was down, slow or rate limited).
        """
class AnalyzeProgress:
    """
    How far an analysis run is.
    """
    @property
    def analysed(self) -> int:
        ...
    @property
    def cached(self) -> int:
        ...
    @property
    def done(self) -> int:
        ...
    @property
    def elapsed_seconds(self) -> float:
        ...
    @property
    def failed(self) -> int:
        ...
    @property
    def input_tokens(self) -> int:
        ...
    @property
    def output_tokens(self) -> int:
        ...
    @property
    def selected(self) -> int:
        ...
class AnalyzeFailure:
    """
    A photo no analyzer answered for.
    """
    @property
    def error(self) -> imagebank.errors.Error | None:
        ...
    @property
    def image_id(self) -> int:
        ...
    @property
    def name(self) -> str:
        ...
class AnalyzeReport:
    """
    What an analysis run did.
    """
    @property
    def by_provider(self) -> dict[str, int]:
        ...
    @property
    def failures(self) -> list[AnalyzeFailure]:
        ...
    @property
    def given_up(self) -> list[str]:
        ...
    @property
    def progress(self) -> AnalyzeProgress:
        ...
class ColorReview:
    """
    A photo's AI colour next to its Carteira cor.
    """
    @property
    def agreement(self) -> str:
        ...
    @property
    def ai_color(self) -> str:
        ...
    @property
    def carteira_color(self) -> str:
        ...
    @property
    def image_id(self) -> int:
        ...
    @property
    def image_name(self) -> str:
        ...
    @property
    def model(self) -> str:
        ...
    @property
    def product_id(self) -> int:
        ...
    @property
    def provider(self) -> str:
        ...
    @property
    def sku(self) -> str:
        ...
    @property
    def view(self) -> str:
        ...
class UrlRow:
    """
    One row of an image URL list: the URL, the SKU it files under ('' = read from the name by the SKU grammar) and the file name the grammar parses ('' = the URL path's last segment, filled in by check_url_row).
    """
    __hash__: typing.ClassVar[None] = None
    name: str
    sku: str
    url: str
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __init__(self, url: str, sku: str = '', name: str = '', line: typing.SupportsInt | typing.SupportsIndex = 0) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def line(self) -> int:
        """
        The row's record number in its file (0: made here).
        """
    @line.setter
    def line(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class UrlList:
    """
    A URL list as read: its good rows, one problem per skipped row ('<file>: row <n>: <reason>'), and the headers found ('' when the list had no header row).
    """
    def __repr__(self) -> str:
        ...
    @property
    def name_header(self) -> str:
        ...
    @property
    def problems(self) -> list[str]:
        ...
    @property
    def rows(self) -> list[UrlRow]:
        ...
    @property
    def sku_header(self) -> str:
        ...
    @property
    def url_header(self) -> str:
        ...
class IpAddress:
    """
    An IPv4 or IPv6 address, as the URL fetcher's policy checks it. IpAddress('10.0.0.5'), IpAddress('::ffff:127.0.0.1'): IPv6 without brackets or zone; InvalidArgumentError for anything else (host names included). str() is the canonical text.
    """
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __hash__(self) -> int:
        ...
    def __init__(self, text: str) -> None:
        ...
    def __repr__(self) -> str:
        ...
    def __str__(self) -> str:
        ...
    @property
    def packed(self) -> bytes:
        """
        Its 4 (IPv4) or 16 (IPv6) bytes, network order.
        """
    @property
    def v6(self) -> bool:
        """
        Whether it is an IPv6 address.
        """
class AddressPolicy:
    """
    Which addresses a fetch may reach: public ones always; the others (loopback, private, link-local, multicast, unspecified, reserved) only for a host in allow_hosts ('host' or 'host:port', '[::1]:8080'), or every address with allow_all.
    """
    allow_all: bool
    def __init__(self, *, allow_hosts: collections.abc.Sequence[str] = [], allow_all: bool = False) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def allow_hosts(self) -> list[str]:
        ...
    @allow_hosts.setter
    def allow_hosts(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
class Url:
    """
    An absolute http or https URL split for the fetcher: where to connect and what to ask for.
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def __str__(self) -> str:
        ...
    def text(self) -> str:
        """
        'https://host[:port]/target' (the port when not the scheme's).
        """
    @property
    def host(self) -> str:
        """
        Lowercased; an IPv6 literal without brackets.
        """
    @property
    def port(self) -> int:
        ...
    @property
    def scheme(self) -> str:
        ...
    @property
    def target(self) -> str:
        """
        The path and query, percent-encoded; '/' at least.
        """
class Fetched:
    """
    What UrlFetcher.fetch got.
    """
    def __repr__(self) -> str:
        ...
    @property
    def attempts(self) -> int:
        """
        Exchanges made, retries and redirects included.
        """
    @property
    def bytes(self) -> bytes:
        """
        The body.
        """
    @property
    def content_type(self) -> str:
        """
        As the server said (not trusted: sniff the bytes).
        """
    @property
    def redirects(self) -> int:
        ...
    @property
    def url(self) -> str:
        """
        Where the bytes came from, after redirects.
        """
class FetchedImage:
    """
    What UrlFetcher.fetch_image got.
    """
    def __repr__(self) -> str:
        ...
    @property
    def bytes(self) -> bytes:
        ...
    @property
    def url(self) -> str:
        """
        Where the bytes came from, after redirects.
        """
class UrlFetcher:
    """
    Fetches images by URL as URL-list batches do, SSRF-safe: only http and https; each host resolved once and every address it resolved to checked by the address policy (loopback, private, link-local — 169.254.169.254 —, multicast, unspecified and reserved addresses are refused unless the host is allowed); the connection goes to an address that was checked; each redirect checked the same way. One fetcher may be used from many threads; its concurrency limits hold across them. connect_timeout_seconds: each connection; io_timeout_seconds: each read or write; total_timeout_seconds: the whole fetch, redirects and retries included. max_bytes: the longest body (a larger one is cut off, LimitExceededError). max_redirects: 0..20, each redirect checked as the URL was. retry_attempts (1..20), retry_base_seconds, retry_cap_seconds: 429, 5xx and failed connections are retried with full-jitter backoff; a Retry-After up to max_retry_after_seconds is waited for (longer: RateLimitedError with its retry_after). allow_hosts: hosts ('host' or 'host:port', as URLs spell them) that may resolve to loopback, private, link-local or other non-public addresses; allow_all: every address. per_host (1..64) / concurrency (1..1024): exchanges at once per host:port / in all, across threads. resolve: a callable(host) -> addresses (IpAddress or text) that replaces DNS (tests map a name to an address); its answer is checked as DNS's is.
    """
    def __init__(self, *, connect_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 5.0, io_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 15.0, total_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 60.0, max_bytes: typing.SupportsInt | typing.SupportsIndex = 52428800, max_redirects: typing.SupportsInt | typing.SupportsIndex = 5, retry_attempts: typing.SupportsInt | typing.SupportsIndex = 4, retry_base_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.2, retry_cap_seconds: typing.SupportsFloat | typing.SupportsIndex = 5.0, max_retry_after_seconds: typing.SupportsFloat | typing.SupportsIndex = 30.0, allow_hosts: collections.abc.Sequence[str] = [], allow_all: bool = False, per_host: typing.SupportsInt | typing.SupportsIndex = 2, concurrency: typing.SupportsInt | typing.SupportsIndex = 16, user_agent: str = 'imagebank', verify_tls: bool = True, ca_file: str = '', resolve: collections.abc.Callable[[str], collections.abc.Sequence[IpAddress | str]] | None = None) -> None:
        ...
    def fetch(self, url: str, *, timeout_seconds: typing.SupportsFloat | typing.SupportsIndex | None = None) -> Fetched:
        """
        The bytes at url, within total_timeout_seconds (and timeout_seconds when sooner), the GIL released. Raises, naming the URL: InvalidArgumentError (not an http or https URL, a bad redirect, another 4xx), PermissionDeniedError (an address the policy refuses, HTTP 403), NotFoundError (404, 410), UnauthenticatedError (401), RateLimitedError (429 after the retries), UnavailableError (5xx or the network after the retries), LimitExceededError (over max_bytes, too many redirects), DeadlineExceededError, CorruptDataError (an empty body or a broken answer).
        """
    def fetch_image(self, url: str, max_bytes: typing.SupportsInt | typing.SupportsIndex) -> FetchedImage:
        """
        fetch() as an ingest worker calls it: at most the smaller of max_bytes and the fetcher's max_bytes.
        """
class BatchProgress:
    """
    A snapshot of a batch: its row, job counts, rate and ETA.
    """
    def __repr__(self) -> str:
        ...
    @property
    def analysis(self) -> JobCounts:
        """
        The analyses of its new images (analyze jobs) by state.
        """
    @property
    def at_ms(self) -> int:
        ...
    @property
    def batch(self) -> Batch:
        ...
    @property
    def counts(self) -> JobCounts:
        """
        The files (process jobs) by state.
        """
    @property
    def elapsed_ms(self) -> int:
        """
        Since this process started on the batch.
        """
    @property
    def eta_seconds(self) -> float | None:
        """
        None while nothing has finished.
        """
    @property
    def files_found(self) -> int:
        """
        Files found by this process's receive step so far.
        """
    @property
    def last_error(self) -> str:
        """
        '<file>: <code>: <message>' of the latest failure.
        """
    @property
    def rate(self) -> float:
        """
        Files finished per second over the last 30 s.
        """
class WorkReport:
    """
    What one worker run did.
    """
    def __repr__(self) -> str:
        ...
    @property
    def analysed(self) -> int:
        """
        Analyze jobs answered (by a call or the cache).
        """
    @property
    def analysis_failed(self) -> int:
        """
        Analyze jobs failed for good.
        """
    @property
    def conflicts(self) -> int:
        """
        Cross-SKU conflicts the processed files brought.
        """
    @property
    def done(self) -> int:
        ...
    @property
    def duplicates(self) -> int:
        ...
    @property
    def failed(self) -> int:
        """
        Failed for good.
        """
    @property
    def retried(self) -> int:
        """
        Failures that will be retried (files and analyses).
        """
    @property
    def stop_reason(self) -> str:
        ...
    @property
    def stopped(self) -> bool:
        """
        A stop or storage failures ended the run.
        """
class ReconcileReport:
    """
    Re-matching of unlinked photos after a Carteira import.
    """
    def __repr__(self) -> str:
        ...
    @property
    def examined(self) -> int:
        ...
    @property
    def linked(self) -> int:
        ...
    @property
    def still_unmatched(self) -> int:
        ...
class BackgroundMask:
    """
    find_background's answer: the border's colour and which pixels are background.
    """
    def __repr__(self) -> str:
        ...
    @property
    def background(self) -> bytes:
        """
        width * height bytes, row-major: 1 = background, 0 = foreground.
        """
    @property
    def background_share(self) -> float:
        ...
    @property
    def colour(self) -> tuple[int, int, int]:
        """
        The border ring's median sRGB colour.
        """
    @property
    def height(self) -> int:
        ...
    @property
    def uniformity(self) -> float:
        ...
    @property
    def white_background(self) -> bool:
        ...
    @property
    def white_share(self) -> float:
        ...
    @property
    def width(self) -> int:
        ...
def _log(level: str, message: str) -> None:
    """
    Write a record through imagebank's sink (as the library itself does).
    """
def abort_stale_uploads(store: BlobStore, *, older_than: typing.SupportsFloat | typing.SupportsIndex) -> int:
    """
    Aborts the store's S3 multipart uploads started more than older_than seconds ago and never completed (left by writers killed midway, or whose abort failed while the server was down); returns how many. 0 for a store that is not S3. Give an age longer than any upload takes (0 only when no writer is running).
    """
def ahash(src: Image | str | os.PathLike[str] | bytes | bytearray | memoryview, *, compat: str | None = None, limits: Limits | None = None) -> int:
    """
    64-bit average hash (8x8 pixels against their mean), as an int.
    
    src is encoded image bytes, a str/os.PathLike path, or an imagebank.Image (hashed from its pixels as they are). compat=None gives the fast hashes (shrink-on-load decode, EXIF orientation applied); compat='imagehash' gives exactly what imagehash 4.3 returns with Pillow 13 for the same file or PIL.Image.fromarray(image), as an int equal to int(str(imagehash_result), 16). Errors as decode(): NotFoundError, UnsupportedFormatError, CorruptDataError, LimitExceededError; InvalidArgumentError for another compat value.
    """
def analyze_image(catalog: CatalogStore, blobs: BlobStore, chain: VisionChain, image: ImageRecord, request: VisionRequest = ..., *, force: bool = False) -> ImageAnalysis:
    """
    Analyses one catalog image with `chain` and stores the outcome: the answer (ai_analyses, image_items), every failed call with its reason, and pending_ai_analysis -> pending; the Carteira's fields are never written. Unless force, an earlier answer of any analyzer of the chain for this content costs nothing. Raises for the catalog's and the storage's failures; an analysis that found no answer is an ImageAnalysis with its error.
    """
def api_scopes_allow(granted: collections.abc.Sequence[str], needed: str) -> bool:
    """
    Whether a key with `granted` scopes may do what needs `needed` (admin grants all; every scope reads).
    """
def apply_orientation(image: Image, orientation: typing.SupportsInt | typing.SupportsIndex) -> Image:
    """
    Rotate/flip an image stored with EXIF orientation 1-8 to upright.
    """
def base64url(data: bytes) -> str:
    """
    base64url without padding.
    """
def batch_progress(queue: JobQueue, batch_id: typing.SupportsInt | typing.SupportsIndex) -> BatchProgress:
    """
    The batch with its counts, rate and ETA, read from the queue.
    """
def blurhash_decode(hash: str, width: typing.SupportsInt | typing.SupportsIndex, height: typing.SupportsInt | typing.SupportsIndex, punch: typing.SupportsFloat | typing.SupportsIndex = 1.0) -> Image:
    """
    Paints a BlurHash at width x height (RGB, 1-4096 px a side).
    """
def blurhash_encode(image: Image, x_components: typing.SupportsInt | typing.SupportsIndex = 4, y_components: typing.SupportsInt | typing.SupportsIndex = 3) -> str:
    """
    The BlurHash of an image (components 1-9 each; alpha over white). Pass a small picture: the cost grows with its pixels.
    """
def carteira_fields() -> list[str]:
    """
    The canonical field names of a CarteiraRow, in canonical order.
    """
def check_address(policy: AddressPolicy, host: str, port: typing.SupportsInt | typing.SupportsIndex, address: IpAddress | str) -> None:
    """
    Whether the policy lets a URL's host:port be reached at address (an IpAddress or its text): returns for a public address or an allowed host; PermissionDeniedError naming the host, the address and its class otherwise.
    """
def check_allow_host(entry: str) -> None:
    """
    Checks an allow_hosts entry: 'host' (any port) or 'host:port' ('[::1]:8080' for IPv6), the host as URLs spell it. InvalidArgumentError for anything else.
    """
def check_bank(catalog: CatalogStore, blobs: BlobStore, *, verify_content: bool = False, database: bool = True, thorough_database: bool = False, delete_orphans: bool = False, grace: typing.SupportsFloat | typing.SupportsIndex = 3600.0, max_named: typing.SupportsInt | typing.SupportsIndex = 1000, progress: collections.abc.Callable[[CheckReport], typing.Any] | None = None) -> CheckReport:
    """
    The integrity check: every object the catalog's image rows name (each original and variant) is in the store at the recorded size, and no object under originals/ or variants/ is named by no row and no job (an orphan). One pass in SHA-256 order over the rows and the store's listing, in bounded memory. verify_content also reads every object (originals must hash to their SHA-256, variants' headers must give their width and height); database runs the engine's own check (SQLite quick_check, integrity_check when thorough_database, and foreign_key_check); delete_orphans removes the orphans. Unreferenced objects younger than grace seconds (an ingest may be about to name them) are counted apart and never deleted: give 0 only when nothing writes to the bank. progress(report) is called after each 1000 images; Ctrl-C or a progress callback that raises stops the check.
    """
def check_url_row(row: UrlRow) -> UrlRow:
    """
    The row as a URL list keeps it: the URL checked (http or https, at most 2,048 bytes, no spaces at its ends or control characters), the name made from the URL path when empty and cleaned as an upload's name, the SKU trimmed. InvalidArgumentError with the reason otherwise.
    """
def ciede2000(x: tuple[typing.SupportsFloat | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex], y: tuple[typing.SupportsFloat | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex]) -> float:
    """
    CIEDE2000 colour difference of two CIELAB colours (lcms2).
    """
@typing.overload
def classify_address(address: str) -> str:
    """
    The class of an IP address as the URL fetcher's policy sees it: 'public', 'loopback', 'private', 'link-local' (169.254.169.254, the cloud metadata service), 'multicast', 'unspecified' or 'reserved'. An IPv6 address that carries an IPv4 one (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::/96, 2002::/16) is classed by the IPv4 address. Only the public class is fetched from a host not in allow_hosts. InvalidArgumentError for anything but an IPv4 or IPv6 literal (no brackets, no zone).
    """
@typing.overload
def classify_address(address: IpAddress) -> str:
    """
    The class of an IpAddress (as classify_address on its text).
    """
def colour_names() -> list[tuple[str, tuple[int, int, int]]]:
    """
    The pt-BR colour naming table: (name, reference sRGB swatch).
    """
def compare_colors(carteira: str, ai: str) -> str:
    """
    'agree', 'partial' (same family: azul / azul-marinho), 'disagree', or '' when either is empty; accents, case and hyphens aside.
    """
def constant_time_equal(a: bytes, b: bytes) -> bool:
    ...
def crop(image: Image, x: typing.SupportsInt | typing.SupportsIndex, y: typing.SupportsInt | typing.SupportsIndex, width: typing.SupportsInt | typing.SupportsIndex, height: typing.SupportsInt | typing.SupportsIndex) -> Image:
    """
    Copy a rectangle of the image.
    """
def decode(src: str | os.PathLike[str] | bytes | bytearray | memoryview, *, target_width: typing.SupportsInt | typing.SupportsIndex = 0, target_height: typing.SupportsInt | typing.SupportsIndex = 0, auto_orient: bool = True, to_srgb: bool = True, limits: Limits | None = None) -> Image:
    """
    Decode an image (bytes or a path) to sRGB, upright. target_width/target_height: the largest size you will make from it, which lets JPEG and WebP shrink on load.
    """
def decode_fast_grey(src: str | os.PathLike[str] | bytes | bytearray | memoryview, *, min_side: typing.SupportsInt | typing.SupportsIndex = 0, limits: Limits | None = None) -> Image:
    """
    imagebank's fast grey view: upright, shrunk on load to at least 2 x min_side per side where the image is that large, colour profiles ignored.
    """
def decode_pillow_grey(src: str | os.PathLike[str] | bytes | bytearray | memoryview, *, limits: Limits | None = None) -> Image:
    """
    What Pillow gives for Image.open(src).convert('L'), pixel for pixel: as stored (no EXIF orientation), no colour profile applied.
    """
def default_presets() -> list[Preset]:
    """
    thumbnail, small, grid, detail, header, zoom.
    """
def default_required_views() -> list[str]:
    ...
def dhash(src: Image | str | os.PathLike[str] | bytes | bytearray | memoryview, *, compat: str | None = None, limits: Limits | None = None) -> int:
    """
    64-bit difference hash (horizontal gradients of 9x8), as an int.
    
    src is encoded image bytes, a str/os.PathLike path, or an imagebank.Image (hashed from its pixels as they are). compat=None gives the fast hashes (shrink-on-load decode, EXIF orientation applied); compat='imagehash' gives exactly what imagehash 4.3 returns with Pillow 13 for the same file or PIL.Image.fromarray(image), as an int equal to int(str(imagehash_result), 16). Errors as decode(): NotFoundError, UnsupportedFormatError, CorruptDataError, LimitExceededError; InvalidArgumentError for another compat value.
    """
def encode(image: Image, format: str, *, quality: typing.SupportsInt | typing.SupportsIndex = 80, progressive: bool = True, subsampling: str = '420', optimize_coding: bool = True, effort: typing.SupportsInt | typing.SupportsIndex = 4, lossless: bool = False, speed: typing.SupportsInt | typing.SupportsIndex = 8, threads: typing.SupportsInt | typing.SupportsIndex = 1, compression_level: typing.SupportsInt | typing.SupportsIndex = 6, keep_srgb_icc: bool = False, copyright: str = '') -> bytes:
    """
    Encode to 'jpeg', 'png', 'webp' or 'avif'. No metadata is written unless asked.
    """
def encoder_fingerprint(format: str, *, quality: typing.SupportsInt | typing.SupportsIndex = 80, progressive: bool = True, subsampling: str = '420', optimize_coding: bool = True, effort: typing.SupportsInt | typing.SupportsIndex = 4, lossless: bool = False, speed: typing.SupportsInt | typing.SupportsIndex = 8, threads: typing.SupportsInt | typing.SupportsIndex = 1, compression_level: typing.SupportsInt | typing.SupportsIndex = 6, keep_srgb_icc: bool = False, copyright: str = '') -> str:
    """
    The encoder settings and codec versions as text (part of variant keys).
    """
def file_extension(format: str) -> str:
    """
    File extension (no dot) of variants in a format: 'jpg', 'png', 'webp', 'avif'.
    """
def find_background(image: Image, *, tolerance: typing.SupportsFloat | typing.SupportsIndex = 8.0) -> BackgroundMask:
    """
    The border's colour and the background connected to the border within `tolerance` (CIEDE2000).
    """
def find_preset(name: str) -> Preset:
    """
    The default preset of that name; NotFoundError (listing the names) otherwise.
    """
def fit_malloc_to_address_limit() -> int:
    """
    Cap glibc's malloc arenas to fit this process' RLIMIT_AS (ulimit -v), as malloc_arenas_for_address_limit() says. Returns the cap set, or 0 when nothing changed: no or a loose limit, not glibc, or MALLOC_ARENA_MAX / glibc.malloc.arena_max chosen by the user. The library never calls it; a program that runs under an address-space limit calls it before starting threads.
    """
def fit_to(image: Image, width: typing.SupportsInt | typing.SupportsIndex = 0, height: typing.SupportsInt | typing.SupportsIndex = 0, *, fit: str = 'fit', crop: str = 'centre', upscale: bool = False, background: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] = [255, 255, 255, 255], filter: str = 'lanczos3') -> Image:
    """
    Fit into a width x height box: 'fit' (contain), 'cover' (fill and crop by 'centre', 'entropy' or 'attention'), or 'pad' (contain, then pad with background).
    """
def fitted_size(width: typing.SupportsInt | typing.SupportsIndex, height: typing.SupportsInt | typing.SupportsIndex, box_width: typing.SupportsInt | typing.SupportsIndex = 0, box_height: typing.SupportsInt | typing.SupportsIndex = 0, *, fit: str = 'fit', upscale: bool = False) -> tuple[int, int]:
    """
    The (width, height) fit_to() gives for an image of width x height.
    """
def fold_text(text: str | bytes) -> str:
    """
    text for comparisons: NFKD, accents removed, case-folded ('Código' -> 'codigo'). bytes that are not UTF-8 are read as Windows-1252.
    """
def format_from_name(name: str) -> str:
    """
    The canonical name of a format name ('jpg' gives 'jpeg'); InvalidArgumentError for names imagebank does not know.
    """
def format_info(format: str) -> FormatInfo:
    """
    The row of the format table for a format name ('jpg' and 'jpeg' give the same row).
    """
def format_infos() -> list[FormatInfo]:
    """
    Every format imagebank recognises, 'unknown' first.
    """
def hamming(a: int | bytes | bytearray | memoryview, b: int | bytes | bytearray | memoryview) -> int:
    """
    Number of differing bits between two hashes: ints (64-bit pHash/dHash/aHash or 256-bit PDQ) or their bytes (8 or 32, big-endian).
    """
def hash_from_hex(hex: str) -> int:
    """
    Parses 16 hex digits (either case); InvalidArgumentError otherwise.
    """
def hash_to_hex(hash: typing.SupportsInt | typing.SupportsIndex) -> str:
    """
    16 lowercase hex digits, most significant first (imagehash's str()).
    """
def hmac_sha256_base64url(key: bytes, message: bytes) -> str:
    ...
def http_status(code: str) -> int:
    """
    The HTTP status of an error code ('not_found': 404).
    """
def if_none_match_matches(header: str, etag: str) -> bool:
    ...
def ip_address_string(address: IpAddress) -> str:
    """
    The canonical text of an address ('10.0.0.5', '::ffff:7f00:1').
    """
def is_allowed_transition(from_status: str, to_status: str) -> bool:
    """
    Whether the review workflow allows going from one status to another.
    """
def is_supported(format: str) -> bool:
    """
    Whether imagebank decodes and encodes the format.
    """
def is_upload_batch(batch: Batch) -> bool:
    """
    Whether the batch's files come from receive_upload (its source starts with 'upload:') rather than from paths.
    """
def is_url_batch(batch: Batch) -> bool:
    """
    Whether the batch's files are fetched from URLs (a URL list's part: its source starts with 'urls:').
    """
def is_valid_utf8(data: bytes) -> bool:
    """
    Whether the bytes are well-formed UTF-8 (no overlongs, no surrogates).
    """
def lab_to_srgb(lab: tuple[typing.SupportsFloat | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex]) -> tuple[int, int, int]:
    """
    The sRGB colour nearest a CIELAB one (clipped).
    """
def latest_catalog_schema_version() -> int:
    ...
def log_level() -> str:
    """
    The current minimum level.
    """
def main_color(result: VisionResult) -> str:
    """
    The first colour's name, or "".
    """
def make_memory_blob_store() -> BlobStore:
    """
    A fresh in-memory store (uri 'memory:').
    """
def make_variants(src: str | os.PathLike[str] | bytes | bytearray | memoryview, *, presets: collections.abc.Sequence[str | Preset] | None = None, formats: collections.abc.Sequence[str] = ['avif', 'webp', 'jpeg'], limits: Limits | None = None) -> list[Variant]:
    """
    Decode once and make every preset (names or Preset objects; default: all six) in every format. Returns Variants in preset x format order.
    """
def malloc_arenas_for_address_limit(limit_bytes: typing.SupportsInt | typing.SupportsIndex, cores: typing.SupportsInt | typing.SupportsIndex) -> int:
    """
    How many malloc arenas a process limited to limit_bytes of address space should allow on cores cores so that the arenas' 64 MiB reservations take at most a quarter of the limit (at least 1), or 0 when glibc's default (8 per core) fits.
    """
def match(filenames: collections.abc.Iterable[str | bytes | os.PathLike[str] | os.PathLike[bytes]], known: KnownSkus | imagebank._types.SkuSource | collections.abc.Iterable[str | bytes] | None, *, rules: SkuRules | None = None) -> MatchReport:
    """
    Matches photo file names against the known SKUs: per file its parse and SKU, and the report (SKUs without photos, photos without SKU, per SKU the photo count and views).
    
    known: a KnownSkus, an iterable of str, or any object with a skus() method (a Carteira). Names refused (too long) are reported, not raised.
    """
def mime_type(format: str) -> str:
    """
    The MIME type of a format name, e.g. 'image/webp'.
    """
def name_color(lab: tuple[typing.SupportsFloat | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex]) -> str:
    """
    The pt-BR name of a CIELAB colour: neutrals by lightness (preto, cinza, branco), the rest by the nearest swatch in CIEDE2000.
    """
def negotiate(accept: str, *, available: collections.abc.Sequence[str] = ['avif', 'webp', 'jpeg']) -> Negotiation:
    """
    The best available format for an Accept header (RFC 9110 q-values; ties prefer avif > webp > jpeg > png).
    """
def normalize_upload_name(name: str) -> str:
    """
    A client's file name as receive_upload keeps it: Latin-1 becomes UTF-8, backslashes '/', leading '/' dropped. InvalidArgumentError for an empty name, one over 1 KiB, a control character, or an empty, '.' or '..' part.
    """
def open_blob_store(uri: str) -> BlobStore:
    """
    Opens file:///abs/path, s3://bucket/prefix?... or memory:.
    """
def open_catalog_store(uri: str) -> CatalogDatabase:
    """
    Opens sqlite:///abs/path.db or postgresql://user@host:port/db.
    """
def open_fs_blob_store(root: str | bytes | os.PathLike[str] | os.PathLike[bytes], *, create_root: bool = True, sweep_temp_files_older_than: typing.SupportsFloat | typing.SupportsIndex | None = None, read_chunk_bytes: typing.SupportsInt | typing.SupportsIndex = 262144) -> BlobStore:
    """
    The local-disk store rooted at `root` (created when missing unless create_root=False). sweep_temp_files_older_than: seconds; when given, temporary files left by crashed writers older than that are deleted first.
    """
def open_postgresql_catalog(uri: str, *, pool_size: typing.SupportsInt | typing.SupportsIndex = 4, connect_attempts: typing.SupportsInt | typing.SupportsIndex = 3) -> CatalogDatabase:
    """
    Opens (migrating) a PostgreSQL catalog: postgresql://user@host:port/db.
    """
@typing.overload
def open_s3_blob_store(options: S3Options) -> BlobStore:
    """
    Opens the S3 BlobStore (checks the bucket unless options.check_bucket is False).
    """
@typing.overload
def open_s3_blob_store(uri: str) -> BlobStore:
    """
    Opens the S3 BlobStore of an s3:// URI.
    """
def open_sqlite_catalog(path: str | bytes | os.PathLike[str] | os.PathLike[bytes], *, pool_size: typing.SupportsInt | typing.SupportsIndex = 4) -> CatalogDatabase:
    """
    Opens (creating and migrating) a SQLite catalog.
    """
def open_vision_analyzer(uri: str, *, env: collections.abc.Mapping[str, str] | None = None, verify_tls: bool = True, ca_file: str = '') -> VisionAnalyzer:
    """
    The analyzer a URI names: openai://MODEL, gemini://MODEL, google-vision://, offline:// (endpoint=, timeout_ms=, key_env= and the provider's own parameters). `env` replaces the process environment for API keys.
    """
def original_blob_key(sha256: str, extension: str) -> str:
    """
    'originals/ab/cd/<sha256>.<extension>'.
    """
def parse_api_scopes(text: str) -> list[str]:
    """
    'review, read' -> ['read', 'review']: sorted, merged; InvalidArgumentError naming an unknown scope or for an empty list.
    """
def parse_byte_range(header: str, size: typing.SupportsInt | typing.SupportsIndex) -> tuple[int, int] | None:
    """
    (offset, length) of one byte range; None to serve the whole object; length 0 when unsatisfiable (416).
    """
def parse_filename(path: str | bytes | os.PathLike[str] | os.PathLike[bytes], *, rules: SkuRules | None = None, known: KnownSkus | imagebank._types.SkuSource | collections.abc.Iterable[str | bytes] | None = None) -> SkuParse:
    """
    The SKU, sequence and view a photo's file name carries.
    
    path: str, bytes or os.PathLike (only the name and its folder are read; '/' and '\\\\' both separate). known: None, a KnownSkus, an iterable of str, or an object with a skus() method (build a KnownSkus once for many calls). Raises LimitExceededError for names longer than rules.max_name_bytes.
    """
def parse_formats(formats: str) -> list[str]:
    """
    The variant formats of a comma-separated list such as 'avif,webp,jpg', as canonical names (['avif', 'webp', 'jpeg']); empty items are skipped. InvalidArgumentError names a format variants cannot be made in.
    """
def parse_ip_address(text: str) -> IpAddress:
    """
    The IpAddress a literal spells ('10.0.0.5', '::1', '::ffff:127.0.0.1'); InvalidArgumentError for host names, brackets, zones and other forms a resolver may accept.
    """
def parse_s3_uri(uri: str) -> S3Options:
    """
    S3Options from 's3://bucket/prefix?endpoint=...&region=...'; raises InvalidArgumentError naming the problem.
    """
def parse_url(text: str) -> Url:
    """
    An absolute http or https URL as the fetcher reads it: spaces and bytes above 0x7F in the path and query percent-encoded, the fragment dropped. InvalidArgumentError (naming the URL) for another scheme, user info, a bad host or port, control characters, or more than 2,048 bytes.
    """
def parse_vision_list(list: str) -> list[str]:
    """
    The URIs of a --vision list ("openai,gemini,offline").
    """
def parse_vision_uri(uri: str) -> tuple[str, str, dict[str, str]]:
    """
    (provider, model, params) of an analyzer URI; percent-escapes decoded.
    """
def pdq(src: Image | str | os.PathLike[str] | bytes | bytearray | memoryview, *, limits: Limits | None = None) -> tuple[bytes, int]:
    """
    PDQ perceptual hash (Meta's, compatible with the reference) as (hash, quality): hash is 32 bytes whose .hex() is the reference's text form, quality 0-100 (below about 50 the hash is unreliable).
    
    src is an imagebank.Image (hashed as stored) or an encoded image (bytes or a path), decoded upright and in sRGB. Alpha is ignored. InvalidArgumentError for images smaller than 5x5; decode errors as decode().
    """
def pdq_dihedral(src: Image | str | os.PathLike[str] | bytes | bytearray | memoryview, *, limits: Limits | None = None) -> list[tuple[bytes, int]]:
    """
    The PDQ (hash, quality) of the image's 8 rotations and flips from one computation, in the reference's order: original, rotated 90 degrees counter-clockwise, 180, 270 counter-clockwise, flipped upside down, mirrored left-right, transposed, transversed. src and errors as pdq().
    """
def pdq_from_hex(hex: str) -> bytes:
    """
    The 32 bytes (as pdq() returns them) of a 64-digit hex PDQ hash, as other PDQ tools print it; InvalidArgumentError otherwise.
    """
def pdq_to_hex(hash: bytes) -> str:
    """
    64 lowercase hex digits of a PDQ hash given as its 32 bytes.
    """
def perceptual_hashes(src: Image | str | os.PathLike[str] | bytes | bytearray | memoryview, *, compat: str | None = None, limits: Limits | None = None) -> PerceptualHashes:
    """
    (phash, dhash, ahash) of one image from a single decode, as a PerceptualHashes named tuple of ints.
    
    src is encoded image bytes, a str/os.PathLike path, or an imagebank.Image (hashed from its pixels as they are). compat=None gives the fast hashes (shrink-on-load decode, EXIF orientation applied); compat='imagehash' gives exactly what imagehash 4.3 returns with Pillow 13 for the same file or PIL.Image.fromarray(image), as an int equal to int(str(imagehash_result), 16). Errors as decode(): NotFoundError, UnsupportedFormatError, CorruptDataError, LimitExceededError; InvalidArgumentError for another compat value.
    """
def phash(src: Image | str | os.PathLike[str] | bytes | bytearray | memoryview, *, compat: str | None = None, limits: Limits | None = None) -> int:
    """
    64-bit perceptual hash (DCT of a 32x32 grey image), as an int.
    
    src is encoded image bytes, a str/os.PathLike path, or an imagebank.Image (hashed from its pixels as they are). compat=None gives the fast hashes (shrink-on-load decode, EXIF orientation applied); compat='imagehash' gives exactly what imagehash 4.3 returns with Pillow 13 for the same file or PIL.Image.fromarray(image), as an int equal to int(str(imagehash_result), 16). Errors as decode(): NotFoundError, UnsupportedFormatError, CorruptDataError, LimitExceededError; InvalidArgumentError for another compat value.
    """
def pillow_grey(image: Image) -> Image:
    """
    Pillow's convert('L') of decoded pixels (L, LA, RGB or RGBA).
    """
def prepare_vision_image(src: str | os.PathLike[str] | bytes | bytearray | memoryview, *, sha256: str = '', limits: Limits | None = None) -> VisionImage:
    """
    Decodes a photo (shrink-on-load, upright, sRGB), fits it inside VISION_MAX_SIDE and encodes the JPEG services are sent. `sha256` is the original's (computed when empty).
    """
def probe(src: str | os.PathLike[str] | bytes | bytearray | memoryview, *, limits: Limits | None = None) -> ImageInfo:
    """
    Read an image's header without decoding it.
    
    src is the encoded image (bytes, bytearray, memoryview or any contiguous buffer) or a path (str or os.PathLike). Raises CorruptDataError, UnsupportedFormatError, LimitExceededError, NotFoundError or IoError; the message names the file and the reason.
    """
def quote_blob_key(key: str) -> str:
    """
    A key quoted for a message: non-printable bytes escaped, long keys cut.
    """
def read_carteira(src: str | os.PathLike[str] | bytes | bytearray | memoryview, *, name: str | None = None, sheets: collections.abc.Sequence[str] | None = None, limits: CarteiraLimits | None = None) -> Carteira:
    """
    Read a Carteira de Compras (.xlsx/.xlsm, LibreOffice .ods, legacy .xls, or CSV/TSV text in UTF-8, UTF-16 or Windows-1252 with ',', ';' or tab) into a Carteira.
    
    src is a path (str or os.PathLike) or the file's bytes (any contiguous buffer; name= names it in messages and gives a CSV's sheet name). The format comes from the content. sheets= reads only the sheets named (case and accents ignored). Each sheet's header is the first row among the first 20 with two recognised column names; see carteira_fields() for the canonical fields.
    
    Problems in the data are Carteira.issues. A file that cannot be read raises NotFoundError, IoError, CorruptDataError (truncated zip, malformed XML, damaged .xls), UnsupportedFormatError (.xlsb, a password, binary), LimitExceededError (past limits, a zip bomb, XML entities) or NotFoundError for a sheet that is not there. A legacy .xls is read by the helper program imagebank-xls-reader installed with the package, in a child process.
    """
def read_file(path: str | bytes | os.PathLike[str] | os.PathLike[bytes], max_bytes: typing.SupportsInt | typing.SupportsIndex) -> bytes:
    """
    The whole content of the regular file at path. LimitExceededError (naming the file) when it holds more than max_bytes, also if it grows past them while being read; NotFoundError if it does not exist; InvalidArgumentError for a directory, a FIFO or a device (never waited on); IoError if it cannot be read.
    """
def read_url_list(src: str | os.PathLike[str] | bytes | bytearray | memoryview, *, name: str | None = None) -> UrlList:
    """
    Reads a CSV/TSV list of image URLs (url[, sku][, name]; UTF-8, UTF-16 or Windows-1252, delimiter detected, RFC 4180 quoting) into a UrlList. src is a path (str or os.PathLike) or the file's bytes (name= names them in messages). The header row is the first of the first 20 with a URL column ('url', 'URL da imagem', 'link', 'imagem', 'foto', 'image', 'photo'; SKU: 'sku', 'referência', 'ref', 'código'; name: 'nome', 'arquivo', 'name', 'file', 'filename'); without one every row is data. Bad rows (no URL, not http/https, over 2,048 bytes, a control character, a SKU over 64 bytes, a bad name, a URL listed twice) are skipped and reported in problems. Raises NotFoundError / IoError (cannot be read), UnsupportedFormatError (binary), LimitExceededError (over 64 MiB or 1,000,000 rows), InvalidArgumentError (no row has a URL).
    """
def remove_background(image: Image, *, tolerance: typing.SupportsFloat | typing.SupportsIndex = 8.0, feather: typing.SupportsInt | typing.SupportsIndex = 2, enclosed: bool = False, min_uniformity: typing.SupportsFloat | typing.SupportsIndex = 0.6) -> Image:
    """
    An RGBA copy with the border-connected background transparent, soft edges and the background colour taken out of them (a logo cut out). InvalidArgumentError when the border is not one colour.
    """
def resize(image: Image, width: typing.SupportsInt | typing.SupportsIndex, height: typing.SupportsInt | typing.SupportsIndex, *, filter: str = 'lanczos3') -> Image:
    """
    Resample to exactly width x height ('lanczos3', 'mitchell', 'linear', 'box').
    """
def resolve_location(base: Url, location: str) -> Url:
    """
    Where a redirect's Location leads from base: an absolute URL, scheme-relative ('//host/x', keeping base's scheme), an absolute path, a query ('?q', on base's path) or a relative path (against base's folder; '.' and '..' segments resolved). InvalidArgumentError for an empty or bad Location.
    """
def resolve_range(key: str, size: typing.SupportsInt | typing.SupportsIndex, *, offset: typing.SupportsInt | typing.SupportsIndex = 0, length: typing.SupportsInt | typing.SupportsIndex | None = None) -> tuple[int, int]:
    """
    (offset, length) of the bytes a range selects in an object of `size` bytes: a length past the end is clipped; InvalidArgumentError for an offset past the end.
    """
def rgb_hex(rgb: tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]) -> str:
    """
    '#rrggbb' of an sRGB colour.
    """
def s3_credentials_from_env() -> S3Credentials:
    """
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
    """
def set_log_level(level: str) -> None:
    """
    Drop records below level: 'debug', 'info', 'warning' or 'error'.
    """
def set_log_sink(sink: collections.abc.Callable[[str, str], typing.Any] | None) -> None:
    """
    Route imagebank's log records to sink(level, message); None restores the stderr sink. The imagebank package installs a sink that forwards to the 'imagebank' logger of the logging module.
    """
def sha256(src: str | os.PathLike[str] | bytes | bytearray | memoryview) -> str:
    """
    SHA-256 of a file (path, read in blocks) or of bytes, as 64 lowercase hex digits.
    """
def shrink_on_load_factor(width: typing.SupportsInt | typing.SupportsIndex, height: typing.SupportsInt | typing.SupportsIndex, orientation: typing.SupportsInt | typing.SupportsIndex, target_width: typing.SupportsInt | typing.SupportsIndex, target_height: typing.SupportsInt | typing.SupportsIndex) -> int:
    """
    The JPEG/WebP shrink-on-load factor (1, 2, 4 or 8) decode() uses for a stored size and a display target.
    """
def sniff_format(head: bytes) -> str:
    """
    The format of an image from its first bytes ('jpeg', 'png', 'webp', 'avif', 'gif', 'tiff', 'heic', 'bmp', 'svg', 'jxl' or 'unknown').
    """
def srgb_to_lab(rgb: tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]) -> tuple[float, float, float]:
    """
    CIELAB (D50, as lcms2's sRGB profile gives it) of an sRGB colour.
    """
def srgb_to_lab_pixels(rgb: bytes) -> list[tuple[float, float, float]]:
    """
    CIELAB of packed RGB pixels (3 bytes each; a trailing partial pixel is ignored).
    """
def sweep_fs_blob_store_temp_files(root: str | bytes | os.PathLike[str] | os.PathLike[bytes], older_than: typing.SupportsFloat | typing.SupportsIndex) -> FsSweepReport:
    """
    Deletes temporary files left under `root` by crashed writers whose last change is more than `older_than` seconds old.
    """
def to_utf8(data: bytes) -> str:
    """
    bytes decoded as UTF-8 when they are valid UTF-8, else as Windows-1252 (never fails).
    """
def upper_without_accents(text: str | bytes) -> str:
    """
    text with accents removed, in upper case, composed ('abc-ação' -> 'ABC-ACAO'). bytes that are not UTF-8 are read as Windows-1252.
    """
def validate_api_key_record(key: ApiKeyRecord) -> None:
    """
    Raises InvalidArgumentError naming what the catalog would refuse.
    """
def validate_blob_key(key: str) -> None:
    """
    Raises InvalidArgument (naming the reason) unless `key` is a valid blob key.
    """
def validate_fetch_options(*, connect_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 5.0, io_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 15.0, total_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 60.0, max_bytes: typing.SupportsInt | typing.SupportsIndex = 52428800, max_redirects: typing.SupportsInt | typing.SupportsIndex = 5, retry_attempts: typing.SupportsInt | typing.SupportsIndex = 4, retry_base_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.2, retry_cap_seconds: typing.SupportsFloat | typing.SupportsIndex = 5.0, max_retry_after_seconds: typing.SupportsFloat | typing.SupportsIndex = 30.0, allow_hosts: collections.abc.Sequence[str] = [], allow_all: bool = False, per_host: typing.SupportsInt | typing.SupportsIndex = 2, concurrency: typing.SupportsInt | typing.SupportsIndex = 16, user_agent: str = 'imagebank', verify_tls: bool = True, ca_file: str = '', resolve: collections.abc.Callable[[str], collections.abc.Sequence[IpAddress | str]] | None = None) -> None:
    """
    Checks UrlFetcher's options as it does: InvalidArgumentError naming the first one out of range. connect_timeout_seconds: each connection; io_timeout_seconds: each read or write; total_timeout_seconds: the whole fetch, redirects and retries included. max_bytes: the longest body (a larger one is cut off, LimitExceededError). max_redirects: 0..20, each redirect checked as the URL was. retry_attempts (1..20), retry_base_seconds, retry_cap_seconds: 429, 5xx and failed connections are retried with full-jitter backoff; a Retry-After up to max_retry_after_seconds is waited for (longer: RateLimitedError with its retry_after). allow_hosts: hosts ('host' or 'host:port', as URLs spell them) that may resolve to loopback, private, link-local or other non-public addresses; allow_all: every address. per_host (1..64) / concurrency (1..1024): exchanges at once per host:port / in all, across threads. resolve: a callable(host) -> addresses (IpAddress or text) that replaces DNS (tests map a name to an address); its answer is checked as DNS's is.
    """
def validate_ingest_options(*, workers: typing.SupportsInt | typing.SupportsIndex = 0, presets: collections.abc.Sequence[str | Preset] | None = None, formats: collections.abc.Sequence[str] | None = None, max_attempts: typing.SupportsInt | typing.SupportsIndex = 3, lease_seconds: typing.SupportsFloat | typing.SupportsIndex = 300.0, retry_seconds: typing.SupportsFloat | typing.SupportsIndex = 2.0, near_radius: typing.SupportsInt | typing.SupportsIndex = 5, progress: collections.abc.Callable[[BatchProgress], typing.Any] | None = None, progress_interval: typing.SupportsFloat | typing.SupportsIndex = 0.5, limits: Limits | None = None, max_storage_failures: typing.SupportsInt | typing.SupportsIndex = 8, worker_name: str = '', vision: collections.abc.Sequence[str] | None = None, analyzers: collections.abc.Sequence[VisionAnalyzer] = [], analysis_workers: typing.SupportsInt | typing.SupportsIndex = 2, allow_hosts: collections.abc.Sequence[str] = [], fetch_per_host: typing.SupportsInt | typing.SupportsIndex = 2, fetch_concurrency: typing.SupportsInt | typing.SupportsIndex = 16, fetch_connect_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 5.0, fetch_timeout_seconds: typing.SupportsFloat | typing.SupportsIndex = 60.0) -> None:
    """
    Checks the options Bank.ingest, resume and work take, as they do before they start: raises InvalidArgumentError naming the first one out of range. workers: processing threads (0 = one per core). presets: default preset names or Preset objects (None = ['thumbnail', 'small', 'grid', 'detail', 'header', 'zoom']). formats: variant formats (None = ['avif', 'webp', 'jpeg']). max_attempts: tries of a file whose storage keeps failing. lease_seconds: how long a worker holds a job before others may take it. retry_seconds: the first retry delay (doubles). near_radius: pHash Hamming radius of near duplicates (-1 = off). progress: called with a BatchProgress every progress_interval seconds and once at the end; if it raises, the run stops (resumable) and the exception propagates, as does Ctrl-C. max_storage_failures: storage failures in a row that stop the run. worker_name: the lease holder (default host:pid:random). vision, analyzers: the analysis stage — each new photo is also described by these analyzers (Python plug-ins first, then the vision names or URIs: openai, gemini, google-vision, offline) as an analyze job of its own, analysis_workers at a time; an analyzer that is down never holds the variants back. allow_hosts, fetch_*: how URL-list batches fetch — a host ('host' or 'host:port', as URLs name it) in allow_hosts may resolve to a loopback, private or link-local address (every other such URL fails with PermissionDeniedError), fetch_per_host / fetch_concurrency exchanges at once per host / in all, fetch_connect_timeout_seconds per connection, fetch_timeout_seconds per URL (retries and redirects included).
    """
def validate_preset(preset: Preset) -> None:
    """
    Raises InvalidArgumentError naming the problem if make_variants would refuse the preset (bad name, no box, sizes over 16384, ...).
    """
def validate_vision_result(result: VisionResult) -> None:
    """
    Raises CorruptDataError when a result breaks the analyzer contract (too many items, a box outside the picture, a share outside 0..1, ...).
    """
def variant_key(sha256: str, preset: str, format: str) -> str:
    """
    Storage key of a variant made with the default settings.
    """
def vision_schemes() -> list[str]:
    """
    The providers open_vision_analyzer knows.
    """
def windows1252_to_utf8(data: bytes) -> str:
    """
    The bytes read as Windows-1252 (never fails).
    """
def write_file_atomic(path: str | bytes | os.PathLike[str] | os.PathLike[bytes], data: typing_extensions.Buffer) -> None:
    """
    Replace the file at path with data (bytes or any contiguous buffer), atomically and durably: a temporary file next to it is written, fsynced and renamed over path, then the directory is fsynced. Readers see the old content or the new; on failure (IoError naming the file) path is left as it was and no temporary file remains.
    """
BATCH_CANCELLED: imagebank.states.BatchState
BATCH_DONE: imagebank.states.BatchState
BATCH_PAUSED: imagebank.states.BatchState
BATCH_QUEUED: imagebank.states.BatchState
BATCH_RUNNING: imagebank.states.BatchState
JOB_CANCELLED: imagebank.states.JobState
JOB_DONE: imagebank.states.JobState
JOB_DUPLICATE: imagebank.states.JobState
JOB_FAILED: imagebank.states.JobState
JOB_KIND_ANALYZE: imagebank.states.JobKind
JOB_KIND_PROCESS: imagebank.states.JobKind
JOB_LEASED: imagebank.states.JobState
JOB_RECEIVED: imagebank.states.JobState
VISION_MAX_SIDE: int = 1024
VISION_SCHEMA_VERSION: int = 1
__version__: str = '0.1.0'
