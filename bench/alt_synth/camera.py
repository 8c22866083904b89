"""How a rendered document reaches the verifier: a phone photo on a desk (pinhole camera with pitch/yaw/roll,
page curl, props, a thumb, lamp light, vignetting, cast shadows, defocus or shake, sensor noise, phone
sharpening), a flatbed scan (straight, maybe greyscale, a card on an otherwise empty A4 platen), or an
unreadable upload (tiny, blurred, dark, truncated file). Encoders write JPEG (two libraries), PNG, PDF, and JPEG
with an EXIF orientation tag instead of turned pixels.
"""
from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageDraw

# ---------------------------------------------------------------------------------------------- backgrounds


def background(rng: np.random.Generator, W: int, H: int) -> tuple[np.ndarray, str]:
    """A desk of size (W, H), drawn at a third of the size and scaled up (desk texture is soft anyway)."""
    small, kind = _background(rng, max(8, W // 3), max(8, H // 3))
    img = cv2.resize(small, (W, H), interpolation=cv2.INTER_LINEAR)
    img += _noise(rng, (H, W), 1) * 2.5
    return np.clip(img, 0, 255).astype(np.uint8), kind


def _background(rng: np.random.Generator, W: int, H: int) -> tuple[np.ndarray, str]:
    kind = str(rng.choice(["laminate", "wood", "cloth", "white_desk", "cutting_mat", "bedsheet", "leather"],
                          p=[0.18, 0.2, 0.12, 0.12, 0.12, 0.14, 0.12]))
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    low = cv2.resize(rng.random((4, 4)).astype(np.float32), (W, H), interpolation=cv2.INTER_CUBIC)
    if kind == "laminate":
        base = rng.uniform(90, 210, 3)
        img = base * (0.9 + 0.15 * low)[..., None]
    elif kind == "wood":
        base = np.array([rng.uniform(40, 90), rng.uniform(70, 130), rng.uniform(110, 190)])   # BGR browns
        warp = cv2.resize(rng.normal(0, 1, (8, 8)).astype(np.float32), (W, H), interpolation=cv2.INTER_CUBIC)
        t = (yy if rng.random() < 0.5 else xx) / max(W, H)
        rings = np.sin((t * rng.uniform(25, 70) + warp * 1.5) * 2 * np.pi)
        img = base * (0.82 + 0.1 * rings + 0.1 * low)[..., None]
    elif kind == "cloth":
        base = rng.uniform(40, 200, 3)
        p = rng.uniform(1.0, 2.0)
        weave = (np.sin(xx / p) * np.sin(yy / p)) * 0.06
        img = base * (0.9 + weave + 0.1 * low)[..., None]
    elif kind == "white_desk":                      # low contrast against paper: outline finders suffer
        base = rng.uniform(200, 235) * np.ones(3)
        img = base * (0.95 + 0.06 * low)[..., None]
    elif kind == "cutting_mat":                     # green mat with a printed grid
        base = np.array([rng.uniform(60, 90), rng.uniform(110, 140), rng.uniform(40, 70)])
        img = np.broadcast_to(base, (H, W, 3)).astype(np.float32).copy()
        step = int(rng.uniform(0.03, 0.05) * max(W, H))
        grid = ((xx % step) < 1) | ((yy % step) < 1)
        img[grid] = (200, 220, 200)
    elif kind == "bedsheet":                        # floral print blobs
        base = rng.uniform(150, 235, 3)
        img = np.broadcast_to(base, (H, W, 3)).astype(np.float32).copy()
        pil = Image.fromarray(img.astype(np.uint8))
        d = ImageDraw.Draw(pil)
        for _ in range(int(rng.integers(40, 120))):
            x, y, r = rng.uniform(0, W), rng.uniform(0, H), rng.uniform(0.01, 0.04) * W
            col = tuple(int(c) for c in rng.integers(40, 230, 3))
            d.ellipse([x - r, y - r * 0.6, x + r, y + r * 0.6], fill=col)
        img = cv2.GaussianBlur(np.asarray(pil).astype(np.float32), (0, 0), 0.8)
    else:                                           # dark leather / mouse mat
        base = rng.uniform(15, 60) * np.ones(3)
        grain = cv2.GaussianBlur(rng.standard_normal((H, W), dtype=np.float32), (0, 0), 0.7)
        img = base * (1 + 0.25 * grain)[..., None]
    return np.asarray(img, np.float32), kind


def props(canvas: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Things on the desk: a pen, a phone, a mug seen from above (a ring), a sticky note."""
    H, W = canvas.shape[:2]
    pil = Image.fromarray(canvas)
    d = ImageDraw.Draw(pil)
    drawn = []
    for _ in range(int(rng.integers(0, 3))):
        kind = str(rng.choice(["pen", "phone", "mug", "note"]))
        x, y = rng.uniform(0, W), rng.uniform(0, H)
        s = max(W, H)
        if kind == "pen":
            L, ang = rng.uniform(0.12, 0.2) * s, rng.uniform(0, np.pi)
            col = tuple(int(c) for c in rng.integers(0, 200, 3))
            d.line([(x, y), (x + L * np.cos(ang), y + L * np.sin(ang))], fill=col, width=int(0.008 * s))
        elif kind == "phone":
            w, h = 0.08 * s, 0.16 * s
            d.rounded_rectangle([x, y, x + w, y + h], radius=int(0.01 * s), fill=(20, 20, 22))
        elif kind == "mug":
            r = rng.uniform(0.04, 0.06) * s
            col = tuple(int(c) for c in rng.integers(30, 230, 3))
            d.ellipse([x - r, y - r, x + r, y + r], fill=col)
            d.ellipse([x - r * 0.82, y - r * 0.82, x + r * 0.82, y + r * 0.82], fill=(40, 30, 25))
        else:
            w = rng.uniform(0.06, 0.09) * s
            d.rectangle([x, y, x + w, y + w], fill=(120, 230, 250))
        drawn.append(kind)
    canvas[:] = np.asarray(pil)
    return drawn


# ---------------------------------------------------------------------------------------------- phone photo


def _rot(roll, pitch, yaw) -> np.ndarray:
    cz, sz, cx, sx, cy, sy = np.cos(roll), np.sin(roll), np.cos(pitch), np.sin(pitch), np.cos(yaw), np.sin(yaw)
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    return rz @ rx @ ry


def _curl(src: np.ndarray, rng) -> np.ndarray:
    """A sheet that does not lie flat: rows bow by up to ~0.8 % of the height."""
    h, w = src.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    amp = rng.uniform(0.002, 0.008) * h
    phase = rng.uniform(0.6, 1.4)
    map_y = yy + amp * np.sin(np.pi * xx / w * phase)
    return cv2.remap(src, xx, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def phone_photo(doc_rgb: Image.Image, rng: np.random.Generator, is_card: bool) -> tuple[np.ndarray, dict]:
    src = cv2.cvtColor(np.asarray(doc_rgb), cv2.COLOR_RGB2BGR)
    traits: dict = {}
    if not is_card and rng.random() < 0.4:
        src = _curl(src, rng)
        traits["curl"] = True
    long_side = int(rng.integers(1600, 3001))
    aspect = float(rng.choice([4 / 3, 16 / 9, 3 / 2], p=[0.6, 0.25, 0.15]))
    doc_portrait = src.shape[0] > src.shape[1]
    frame_portrait = doc_portrait if rng.random() < 0.85 else not doc_portrait
    W, H = (int(long_side / aspect), long_side) if frame_portrait else (long_side, int(long_side / aspect))
    canvas, bg = background(rng, W, H)
    traits["background"] = bg
    traits["props"] = props(canvas, rng)
    sh, sw = src.shape[:2]
    roll = np.radians(rng.uniform(-10, 10))
    pitch = np.radians(rng.uniform(-22, 22) if rng.random() < 0.6 else rng.uniform(-6, 6))
    yaw = np.radians(rng.uniform(-15, 15) if rng.random() < 0.5 else rng.uniform(-5, 5))
    traits["tilt_deg"] = [round(float(np.degrees(v)), 1) for v in (roll, pitch, yaw)]
    fov = np.radians(rng.uniform(55, 75))
    f = W / (2 * np.tan(fov / 2))
    pts = np.array([[-sw / 2, -sh / 2, 0], [sw / 2, -sh / 2, 0], [sw / 2, sh / 2, 0], [-sw / 2, sh / 2, 0]])
    pts = pts @ _rot(roll, pitch, yaw).T
    dist = f * max(sw, sh) / (0.7 * max(W, H))
    proj = f * pts[:, :2] / (pts[:, 2:3] + dist)
    fill = rng.uniform(0.42, 0.8) if is_card else rng.uniform(0.6, 0.92)
    span = proj.max(0) - proj.min(0)
    scale = fill * min(W / span[0], H / span[1])
    proj = (proj - proj.mean(0)) * scale
    room = (np.array([W, H]) - span * scale) / 2
    centre = np.array([W / 2, H / 2]) + rng.uniform(-1, 1, 2) * room * 0.8
    dst = (proj + centre).astype(np.float32)
    traits["doc_fill"] = round(float(fill), 2)
    traits["doc_quad"] = np.round(dst, 1).tolist()
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [sw, 0], [sw, sh], [0, sh]]), dst)
    warped = cv2.warpPerspective(src, m, (W, H), flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((sh, sw), 255, np.uint8), m, (W, H)).astype(np.float32) / 255
    # The sheet or card casts a thin soft shadow on the desk.
    off = int(max(W, H) * rng.uniform(0.002, 0.008))
    small = cv2.resize(np.roll(mask, (off, off), axis=(0, 1)), (W // 4, H // 4), interpolation=cv2.INTER_AREA)
    cast = cv2.resize(cv2.GaussianBlur(small, (0, 0), max(0.5, off * 1.5 / 4)), (W, H))
    canvas = canvas.astype(np.float32) * (1 - 0.35 * cast[..., None])
    out = warped.astype(np.float32) * mask[..., None] + canvas * (1 - mask[..., None])
    if is_card and rng.random() < 0.3:
        _thumb(out, dst, rng)
        traits["thumb"] = True
    out = _light(out, rng, traits)
    out = _optics(out, rng, traits)
    return np.clip(out, 0, 255).astype(np.uint8), traits


def _thumb(out: np.ndarray, quad: np.ndarray, rng) -> None:
    """A thumb holding the card by one short edge: a rounded finger from outside the frame onto the margin."""
    edge = int(rng.choice([0, 2]))         # left or right short edge (corners 0-3 / 1-2)
    a, b = (quad[0], quad[3]) if edge == 0 else (quad[1], quad[2])
    p = a + (b - a) * rng.uniform(0.18, 0.4)      # above the number line
    inward = quad.mean(0) - p
    inward /= np.linalg.norm(inward) + 1e-6
    L = float(np.linalg.norm(b - a))
    tip = p + inward * L * rng.uniform(0.0, 0.04)
    base = p - inward * L * 3
    width = int(L * rng.uniform(0.18, 0.24))
    m = np.zeros(out.shape[:2], np.uint8)
    cv2.line(m, (int(tip[0]), int(tip[1])), (int(base[0]), int(base[1])), 255, width)
    cv2.circle(m, (int(tip[0]), int(tip[1])), width // 2, 255, -1)
    skin = np.array([rng.uniform(120, 170), rng.uniform(150, 190), rng.uniform(190, 235)], np.float32)
    mf = cv2.GaussianBlur(m.astype(np.float32) / 255, (0, 0), 2)[..., None]
    # Rounded finger: darker towards its sides.
    core = cv2.GaussianBlur(m.astype(np.float32) / 255, (0, 0), width / 4)[..., None]
    nail = np.zeros_like(m)
    cv2.circle(nail, (int(tip[0] - inward[0] * width * 0.35), int(tip[1] - inward[1] * width * 0.35)),
               int(width * 0.28), 255, -1)
    tone = skin * (0.7 + 0.35 * core) + (nail[..., None] > 0) * 25
    out[:] = out * (1 - mf) + tone * mf


def _light(img: np.ndarray, rng, traits) -> np.ndarray:
    H, W = img.shape[:2]
    yy, xx = np.mgrid[0:H:8, 0:W:8].astype(np.float32)
    u, v = xx / W - 0.5, yy / H - 0.5
    g = rng.uniform(0.75, 1.12)
    field = g * (1 + rng.uniform(0, 0.3) * (rng.uniform(-1, 1) * u + rng.uniform(-1, 1) * v))
    if rng.random() < 0.4:      # desk lamp hot spot
        cx, cy = rng.uniform(-0.4, 0.4, 2)
        field *= 0.85 + 0.35 * np.exp(-((u - cx) ** 2 + (v - cy) ** 2) / rng.uniform(0.05, 0.2))
        traits["lamp"] = True
    vig = rng.uniform(0.0, 0.35)
    field *= 1 - vig * (u ** 2 + v ** 2) * 2
    field = cv2.resize(field, (W, H), interpolation=cv2.INTER_LINEAR)
    out = np.asarray(img, np.float32) * field[..., None]
    if rng.random() < 0.3:      # the phone's or the hand's shadow, reaching in from one side of the frame
        m = np.zeros((H // 4, W // 4), np.float32)
        side = int(rng.integers(4))
        ex = [0, W // 4, rng.uniform(0, W // 4), rng.uniform(0, W // 4)][side]
        ey = [rng.uniform(0, H // 4), rng.uniform(0, H // 4), 0, H // 4][side]
        cv2.ellipse(m, (int(ex), int(ey)), (int(rng.uniform(0.15, 0.45) * W / 4), int(rng.uniform(0.15, 0.45) * H / 4)),
                    rng.uniform(0, 180), 0, 360, 1.0, -1)
        m = cv2.GaussianBlur(m, (0, 0), W / 4 * rng.uniform(0.02, 0.06))
        m = cv2.resize(m, (W, H))
        out *= (1 - rng.uniform(0.25, 0.5) * m)[..., None]
        traits["shadow"] = True
    temp = str(rng.choice(["neutral", "warm", "cool", "green"], p=[0.5, 0.25, 0.17, 0.08]))
    gains = {"neutral": (1, 1, 1), "warm": (rng.uniform(0.7, 0.88), rng.uniform(0.9, 0.97), 1.0),
             "cool": (1.0, rng.uniform(0.96, 1.0), rng.uniform(0.82, 0.92)),
             "green": (rng.uniform(0.9, 0.96), 1.0, rng.uniform(0.9, 0.96))}[temp]
    traits["light"] = temp
    out *= np.array(gains, np.float32)
    if rng.random() < 0.15:     # specular glare
        cx, cy = rng.uniform(0.2, 0.8) * W, rng.uniform(0.2, 0.8) * H
        blob = np.exp(-(((xx * 1 - cx) / (rng.uniform(0.03, 0.1) * W)) ** 2 + ((yy - cy) / (rng.uniform(0.02, 0.06) * H)) ** 2))
        blob = cv2.resize(blob.astype(np.float32), (W, H))
        s = rng.uniform(0.3, 0.7)
        out = out * (1 - s * blob[..., None]) + 255 * s * blob[..., None]
        traits["glare"] = True
    return out


def _optics(img: np.ndarray, rng, traits) -> np.ndarray:
    scale = max(img.shape[:2]) / 2000
    r = rng.random()
    if r < 0.3:
        rad = rng.uniform(0.5, 2.0) * scale
        k = max(1, int(np.ceil(rad)))
        disk = np.zeros((2 * k + 1, 2 * k + 1), np.float32)
        cv2.circle(disk, (k, k), max(1, round(rad)), 1.0, -1)
        img = cv2.filter2D(img, -1, disk / disk.sum())
        traits["defocus_px"] = round(float(rad), 2)
    elif r < 0.5:
        L = max(2, int(rng.uniform(2, 6) * scale))
        kern = np.zeros((L, L), np.float32)
        kern[L // 2, :] = 1
        kern = cv2.warpAffine(kern, cv2.getRotationMatrix2D((L / 2 - 0.5, L / 2 - 0.5), rng.uniform(0, 180), 1), (L, L))
        img = cv2.filter2D(img, -1, kern / max(kern.sum(), 1e-6))
        traits["shake_px"] = L
    # Sensor noise: stronger in the dark, some chroma.
    lum = rng.uniform(1.5, 5)
    img = np.asarray(img, np.float32)
    img += _noise(rng, img.shape[:2], 1) * lum * (1.3 - img.mean(axis=2, keepdims=True) / 255)
    img += _noise(rng, img.shape[:2], 3) * (lum * 0.4)
    if rng.random() < 0.6:      # phone sharpening halo
        blur = cv2.GaussianBlur(img, (0, 0), 1.5)
        img = img + rng.uniform(0.3, 0.9) * (img - blur)
    return img


def _noise(rng, shape, channels: int) -> np.ndarray:
    """Unit Gaussian noise for a big image: a random tile repeated at a random offset (cheap, looks the same)."""
    h, w = shape
    tile = rng.standard_normal((293, 307, channels), dtype=np.float32)
    reps = (h // 293 + 2, w // 307 + 2, 1)
    oy, ox = int(rng.integers(293)), int(rng.integers(307))
    return np.tile(tile, reps)[oy:oy + h, ox:ox + w]


# ---------------------------------------------------------------------------------------------- scans


def scan(doc_rgb: Image.Image, rng: np.random.Generator, is_card: bool, grey: bool) -> tuple[np.ndarray, dict]:
    src = cv2.cvtColor(np.asarray(doc_rgb), cv2.COLOR_RGB2BGR)
    traits: dict = {"grey": grey}
    if is_card and rng.random() < 0.5:
        # The card on an otherwise empty A4 platen, page uploaded as is.
        dpi = rng.uniform(200, 250)
        pw, ph = int(210 / 25.4 * dpi), int(297 / 25.4 * dpi)
        page = np.full((ph, pw, 3), int(rng.uniform(238, 252)), np.float32)
        cw = int(85.6 / 25.4 * dpi)
        card = cv2.resize(src, (cw, int(cw * src.shape[0] / src.shape[1])), interpolation=cv2.INTER_AREA)
        x, y = int(rng.uniform(0.05, 0.5) * pw), int(rng.uniform(0.04, 0.6) * ph)
        page[y + 3:y + 3 + card.shape[0], x + 3:x + 3 + card.shape[1]] *= 0.8      # edge shadow
        page[y:y + card.shape[0], x:x + card.shape[1]] = card
        img = page
        quad = np.array([[x, y], [x + card.shape[1], y], [x + card.shape[1], y + card.shape[0]],
                         [x, y + card.shape[0]]], np.float64)
        traits["layout"] = "card-on-a4"
    else:
        if is_card:
            target = rng.uniform(1500, 2600)
            pad = int(rng.uniform(0.02, 0.1) * target)
        else:
            target = rng.uniform(1700, 2900)
            pad = int(rng.uniform(0, 0.02) * target)
        s = target / max(src.shape[:2])
        img = cv2.resize(src, None, fx=s, fy=s, interpolation=cv2.INTER_AREA).astype(np.float32)
        quad = np.array([[pad, pad], [pad + img.shape[1], pad], [pad + img.shape[1], pad + img.shape[0]],
                         [pad, pad + img.shape[0]]], np.float64)
        img = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(245, 245, 245))
        traits["layout"] = "cropped"
    h, w = img.shape[:2]
    ang = rng.uniform(-1.5, 1.5)
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), ang, 1.0)
    img = cv2.warpAffine(img, rot, (w, h), borderValue=(245, 245, 245))
    traits["doc_quad"] = np.round(quad @ rot[:, :2].T + rot[:, 2], 1).tolist()
    traits["skew_deg"] = round(float(ang), 2)
    # Scanner response: lifted blacks, slightly compressed whites, one edge darker where the lid lifted.
    img = 12 + img * rng.uniform(0.9, 0.98)
    if rng.random() < 0.25:
        ramp = np.clip(1 - np.arange(w) / (w * 0.04), 0, 1) * rng.uniform(0.2, 0.5)
        img *= (1 - (ramp if rng.random() < 0.5 else ramp[::-1]))[None, :, None]
        traits["lid_shadow"] = True
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 0.8))
    img += _noise(rng, img.shape[:2], 1) * 1.5
    img = np.clip(img, 0, 255).astype(np.uint8)
    if grey:
        g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        img = cv2.cvtColor(g, cv2.COLOR_GRAY2BGR)
    return img, traits


def rot90_points(quad: list, turns: int, width: int, height: int) -> list:
    """Where points land after np.rot90(image, turns) (counter-clockwise quarter turns)."""
    pts = np.asarray(quad, np.float64)
    for _ in range(turns % 4):
        pts = np.stack([pts[:, 1], width - 1 - pts[:, 0]], axis=1)
        width, height = height, width
    return np.round(pts, 1).tolist()


# ---------------------------------------------------------------------------------------------- unreadable


def ruin(img: np.ndarray, rng: np.random.Generator, how: str) -> np.ndarray:
    if how == "tiny":
        s = rng.uniform(240, 460) / max(img.shape[:2])
        return cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    if how == "blurred":
        sigma = max(img.shape[:2]) * rng.uniform(0.008, 0.014)
        return cv2.GaussianBlur(img, (0, 0), sigma)
    if how == "dark":
        out = img.astype(np.float32) * rng.uniform(0.03, 0.09) + rng.normal(0, 2.0, img.shape)
        return np.clip(out, 0, 255).astype(np.uint8)
    return img   # "truncated" is done on the encoded bytes


# ---------------------------------------------------------------------------------------------- encoding


def encode(img: np.ndarray, rng: np.random.Generator, fmt: str) -> tuple[bytes, str, dict]:
    """fmt: jpeg | png | pdf | exif. Returns (bytes, extension, traits)."""
    q = int(rng.integers(55, 96))
    rgb = Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
    if fmt == "png":
        return cv2.imencode(".png", img)[1].tobytes(), "png", {}
    if fmt == "pdf":
        buf = io.BytesIO()
        rgb.save(buf, "PDF", resolution=float(rng.choice([150, 200, 300])), quality=q)
        return buf.getvalue(), "pdf", {"jpeg_q": q}
    if fmt == "exif":
        # Pixels stored as the sensor saw them; the Orientation tag tells viewers how to turn them upright.
        tag = int(rng.choice([3, 6, 8]))
        stored = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}[tag]
        pix = rgb.transpose(stored)
        exif = Image.Exif()
        exif[0x0112] = tag
        buf = io.BytesIO()
        pix.save(buf, "JPEG", quality=q, exif=exif.tobytes())
        return buf.getvalue(), "jpg", {"jpeg_q": q, "exif_orientation": tag}
    if rng.random() < 0.5:
        return cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])[1].tobytes(), "jpg", {"jpeg_q": q}
    buf = io.BytesIO()
    rgb.save(buf, "JPEG", quality=q, subsampling=int(rng.choice([0, 2])))
    return buf.getvalue(), "jpeg" if rng.random() < 0.3 else "jpg", {"jpeg_q": q}


def truncate(data: bytes, rng: np.random.Generator) -> bytes:
    """An upload cut off in transit: only the first 2-35 % of the bytes arrived."""
    return data[:max(64, int(len(data) * rng.uniform(0.02, 0.35)))]
