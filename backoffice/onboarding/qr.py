"""QR codes for invitation links, as PNG and SVG bytes."""
import base64
import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _code(url: str) -> qrcode.QRCode:
    # Level M survives a crumpled or partly covered poster; border 4 is the standard quiet zone.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code


def png(url: str) -> bytes:
    buf = io.BytesIO()
    _code(url).make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    return buf.getvalue()


def svg(url: str) -> bytes:
    buf = io.BytesIO()
    _code(url).make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buf)
    return buf.getvalue()


def png_data_uri(url: str) -> str:
    return "data:image/png;base64," + base64.b64encode(png(url)).decode("ascii")
