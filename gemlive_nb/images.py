"""Images for the Live API: numpy arrays and PIL images as JPEG (Pillow comes with matplotlib).

Example::

    jpeg(np.zeros((120, 160, 3), np.uint8))      # b'\\xff\\xd8…'
    image_bytes(frame, None, "send_video")        # (data, 'image/jpeg')
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from .exceptions import AudioError, ConfigError

__all__ = ["MAX_SIDE", "image_bytes", "jpeg"]

# Frames are sent at most this many pixels on their long side (scaled down keeping the aspect):
# "768×768 is recommended" for Live API video (Firebase AI Logic docs); a 24 MP photo encoded
# whole took half a second and was far more than the service uses.
MAX_SIDE = 768


def jpeg(image: np.ndarray, quality: int = 85) -> bytes:
    """Encode an ``HxWx3`` / ``HxWx4`` / ``HxW`` uint8 array as JPEG (through Pillow).

    Larger frames are scaled down to :data:`MAX_SIDE` px on their long side.
    """
    from PIL import Image

    if (
        not isinstance(image, np.ndarray)
        or image.dtype != np.uint8
        or image.ndim not in (2, 3)
        or (image.ndim == 3 and image.shape[2] not in (3, 4))
    ):
        shape, dtype = getattr(image, "shape", "?"), getattr(image, "dtype", type(image).__name__)
        raise AudioError(
            f"a video frame must be an HxWx3 uint8 array (or JPEG/PNG bytes), got shape "
            f"{shape} and dtype {dtype} — convert with (frame * 255).astype('uint8')"
        )
    return _encode(Image.fromarray(np.ascontiguousarray(image)), quality)


def _encode(picture: Any, quality: int) -> bytes:
    """A PIL image as JPEG, at most MAX_SIDE px on its long side; ConfigError when empty."""
    from PIL import Image

    width, height = picture.size
    if not width or not height:
        raise ConfigError(
            f"a video frame of {width}x{height} px is empty — send an image with pixels "
            "(e.g. an HxWx3 uint8 array with H, W > 0)"
        )
    if max(width, height) > MAX_SIDE:
        scale = MAX_SIDE / max(width, height)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        picture = picture.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    if picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")  # JPEG has no alpha
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def image_bytes(frame: Any, mime_type: str | None, what: str) -> tuple[bytes, str]:
    """``(data, mime_type)`` for an array or PIL image (as JPEG) or JPEG/PNG bytes."""
    if isinstance(frame, np.ndarray):
        return jpeg(frame), "image/jpeg"
    if isinstance(frame, (bytes, bytearray, memoryview)):
        data = bytes(frame)
        return data, mime_type or ("image/png" if data[:4] == b"\x89PNG" else "image/jpeg")
    if hasattr(frame, "save") and hasattr(frame, "mode"):  # a PIL image
        return _encode(frame, 85), "image/jpeg"
    raise ConfigError(
        f"{what} takes JPEG/PNG bytes, a PIL image or an HxWx3 uint8 array, "
        f"not {type(frame).__name__}"
    )
