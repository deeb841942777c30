"""
imagebank compiled core; import it through the imagebank package
"""
from __future__ import annotations
import collections.abc
import os
import typing
import typing_extensions
__all__: list[str] = ['ImageInfo', 'Limits', 'is_supported', 'log', 'log_level', 'mime_type', 'probe', 'set_log_level', 'set_log_sink', 'sniff_format']
class Limits:
    """
    How large an untrusted input may be before imagebank refuses it. Defaults suit catalog photography.
    """
    jpeg_warnings_fatal: bool
    def __init__(self, *, max_pixels: typing.SupportsInt | typing.SupportsIndex = 40000000, max_dimension: typing.SupportsInt | typing.SupportsIndex = 16384, max_file_bytes: typing.SupportsInt | typing.SupportsIndex = 50000000, jpeg_max_scans: typing.SupportsInt | typing.SupportsIndex = 100, jpeg_warnings_fatal: bool = True, max_metadata_bytes: typing.SupportsInt | typing.SupportsIndex = 1048576, max_frames: typing.SupportsInt | typing.SupportsIndex = 1, decode_deadline: typing.SupportsFloat | typing.SupportsIndex = 10.0) -> None:
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
    def __eq__(self, arg0: ImageInfo) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def to_dict(self) -> dict:
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
    def width(self) -> int:
        """
        Stored width, before orientation.
        """
def is_supported(format: str) -> bool:
    """
    Whether imagebank decodes and encodes the format.
    """
def log(level: str, message: str) -> None:
    """
    Write a record through imagebank's sink (as the library itself does).
    """
def log_level() -> str:
    """
    The current minimum level.
    """
def mime_type(format: str) -> str:
    """
    The MIME type of a format name, e.g. 'image/webp'.
    """
@typing.overload
def probe(src: bytes, limits: Limits | None = None) -> ImageInfo:
    """
    Read an image's header without decoding it.
    
    src is the encoded image (bytes, bytearray, memoryview or any contiguous buffer) or a path (str or os.PathLike). Raises CorruptDataError, UnsupportedFormatError, LimitExceededError, NotFoundError or IoError; the message names the file and the reason.
    """
@typing.overload
def probe(src: os.PathLike | str | bytes, limits: Limits | None = None) -> ImageInfo:
    """
    Read an image's header without decoding it.
    
    src is the encoded image (bytes, bytearray, memoryview or any contiguous buffer) or a path (str or os.PathLike). Raises CorruptDataError, UnsupportedFormatError, LimitExceededError, NotFoundError or IoError; the message names the file and the reason.
    """
@typing.overload
def probe(src: typing_extensions.Buffer, limits: Limits | None = None) -> ImageInfo:
    """
    Read an image's header without decoding it.
    
    src is the encoded image (bytes, bytearray, memoryview or any contiguous buffer) or a path (str or os.PathLike). Raises CorruptDataError, UnsupportedFormatError, LimitExceededError, NotFoundError or IoError; the message names the file and the reason.
    """
def set_log_level(level: str) -> None:
    """
    Drop records below level: 'debug', 'info', 'warning' or 'error'.
    """
def set_log_sink(sink: collections.abc.Callable | None) -> None:
    """
    Route imagebank's log records to sink(level, message); None restores the stderr sink. The imagebank package installs a sink that forwards to the 'imagebank' logger of the logging module.
    """
def sniff_format(head: bytes) -> str:
    """
    The format of an image from its first bytes ('jpeg', 'png', 'webp', 'avif', 'gif', 'tiff', 'heic', 'bmp', 'svg', 'jxl' or 'unknown').
    """
__version__: str = '0.1.0'
