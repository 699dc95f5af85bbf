"""Photos people upload: checked, shrunk and re-encoded so no original bytes are kept."""

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # far above any real photo; refuses decompression bombs early
OUTPUT_SIZE = (800, 800)
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


class PhotoRefused(ValueError):
    """The upload is not a photo we accept; the message says why, for the person."""


def reencode_photo(data: bytes) -> bytes:
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRefused("The photo is larger than 5 MB.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise PhotoRefused("Upload a JPEG, PNG or WebP photo.")
                if probe.width * probe.height > MAX_PIXELS:
                    raise PhotoRefused("The photo has too many pixels.")
                probe.verify()
            with Image.open(io.BytesIO(data)) as original:
                original.load()
                image = ImageOps.exif_transpose(original).convert("RGB")
                image.thumbnail(OUTPUT_SIZE)
                out = io.BytesIO()
                image.save(out, "JPEG", quality=85, optimize=True)
        except PhotoRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoRefused("The photo has too many pixels.") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise PhotoRefused("This file could not be read as a photo.") from None
    return out.getvalue()
