"""Small, deterministic stand-ins for the files langchain-tests downloads (image, PDF, audio).

The standard suite fetches a PNG from GitHub, a PDF from w3.org and a WAV from Wikimedia with
`httpx.get` inside the tests. This machine has no internet access, so the cassette builder serves
these files for the same URLs: a real PNG, PDF and WAV, generated here byte for byte the same on
every run, and described truthfully by the scripted gateway (`DESCRIPTIONS`). Only the bytes
differ from the originals; no test asserts anything about them.
"""

from __future__ import annotations

import math
import struct
import zlib
from dataclasses import dataclass

#: The URLs the standard suite downloads (langchain-tests 1.1.9).
IMAGE_URL = (
    "https://raw.githubusercontent.com/langchain-ai/docs/4d11d08b6b0e210bd456943f7a22febbd168b543"
    "/src/images/agentic-rag-output.png"
)
PDF_URL = "https://www.w3.org/WAI/ER/tests/xhtml/testfiles/resources/pdf/dummy.pdf"
AUDIO_URL = "https://upload.wikimedia.org/wikipedia/commons/6/6a/Northern_Flicker_202280456.wav"


@dataclass(frozen=True)
class Media:
    """One stand-in file: its bytes, MIME type and what a model would say about it."""

    kind: str
    content: bytes
    mime_type: str
    description: str


def _png(width: int, height: int, pixel: object) -> bytes:
    """An 8-bit RGB PNG whose pixels come from `pixel(x, y) -> (r, g, b)`."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows.extend(pixel(x, y))  # type: ignore[operator]

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def _diagram_pixel(x: int, y: int) -> tuple[int, int, int]:
    """Three blue boxes in a row joined by two black arrows, on white (96 x 40 pixels)."""
    for left in (4, 38, 72):
        if left <= x < left + 20 and 10 <= y < 30:
            return (40, 90, 200)
    for start in (24, 58):
        if start <= x < start + 14 and y == 20:
            return (0, 0, 0)
        head = start + 13 - x
        if 0 <= head < 4 and abs(y - 20) <= head:
            return (0, 0, 0)
    return (255, 255, 255)


def _pdf(title: str) -> bytes:
    """A one-page PDF 1.4 showing `title` in Helvetica, with a correct xref table."""
    stream = f"BT /F1 24 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _wav(rate: int = 8000, seconds: float = 0.45) -> bytes:
    """16-bit mono PCM: three rising chirps (2 to 3.5 kHz, 0.1 s each) separated by silence."""
    samples = []
    for n in range(int(rate * seconds)):
        t = n / rate
        slot, offset = divmod(t, 0.15)
        value = 0.0
        if slot < 3 and offset < 0.1:
            frequency = 2000 + 15000 * offset  # sweeps 2000 -> 3500 Hz
            envelope = math.sin(math.pi * offset / 0.1)
            value = 0.6 * envelope * math.sin(2 * math.pi * frequency * offset)
        samples.append(int(value * 32767))
    data = struct.pack(f"<{len(samples)}h", *samples)
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(data),
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        rate,
        rate * 2,
        2,
        16,
        b"data",
        len(data),
    )
    return header + data


IMAGE = Media(
    "image",
    _png(96, 40, _diagram_pixel),
    "image/png",
    "A simple diagram: three blue boxes in a row on a white background, "
    "joined left to right by two black arrows.",
)
PDF = Media(
    "file",
    _pdf("Dummy PDF file"),
    "application/pdf",
    'A one-page PDF whose only content is its title, "Dummy PDF file".',
)
AUDIO = Media(
    "audio",
    _wav(),
    "audio/wav",
    "A short clip of three quick, rising high-pitched chirps, like a bird call, "
    "separated by brief silences.",
)

#: What the builder serves, by URL.
BY_URL: dict[str, Media] = {IMAGE_URL: IMAGE, PDF_URL: PDF, AUDIO_URL: AUDIO}
