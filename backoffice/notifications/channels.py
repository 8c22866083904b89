"""Delivery channels behind one interface, chosen by configuration (NOTIFY_CHANNELS): `log`, `email` (SMTP) and
`sms` (Aliyun's SendSms HTTP API). A channel's send() raises SendError on failure; the caller retries."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import smtplib
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr

log = logging.getLogger("xuebu.notify")


class SendError(Exception):
    """The message did not go out; `permanent` ones (a bad address) are not retried."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class LogChannel:
    name = "log"

    def __init__(self, config):
        pass

    def send(self, address: str, subject: str, body: str, *, event: str, values: dict) -> str:
        log.info("notify to=%s subject=%s body=%s", address, subject, body)
        return "logged"


class EmailChannel:
    """SMTP with STARTTLS or TLS and a login when configured (SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD,
    SMTP_FROM, SMTP_SECURITY = starttls | tls | none)."""
    name = "email"

    def __init__(self, config):
        self.host, self.port = config.get("SMTP_HOST") or "127.0.0.1", int(config.get("SMTP_PORT") or 25)
        self.user, self.password = config.get("SMTP_USER"), config.get("SMTP_PASSWORD")
        self.sender = config.get("SMTP_FROM") or "xuebu@localhost"
        self.security = (config.get("SMTP_SECURITY") or "none").lower()
        self.timeout = float(config.get("SMTP_TIMEOUT") or 10)

    def send(self, address: str, subject: str, body: str, *, event: str, values: dict) -> str:
        msg = EmailMessage()
        msg["From"] = formataddr(("学补", self.sender))
        msg["To"] = address
        msg["Subject"] = subject
        msg.set_content(body)
        try:
            cls = smtplib.SMTP_SSL if self.security == "tls" else smtplib.SMTP
            with cls(self.host, self.port, timeout=self.timeout) as smtp:
                if self.security == "starttls":
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                refused = smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendError(f"收件地址被拒绝：{exc}", permanent=True) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"{type(exc).__name__}: {exc}") from None
        if refused:
            raise SendError(f"收件地址被拒绝：{refused}", permanent=True)
        return "accepted"


class AliyunSmsChannel:
    """Aliyun (阿里云短信) SendSms, RPC style with an HMAC-SHA1 signature. SMS text is a template registered with
    the provider: ALIYUN_SMS_TEMPLATES maps each event to its template code (ALIYUN_SMS_TEMPLATE for the rest), and
    the event's short values are the template's parameters. ALIYUN_SMS_ENDPOINT points tests at a local server."""
    name = "sms"
    VERSION = "2017-05-25"

    def __init__(self, config):
        self.key_id = config.get("ALIYUN_SMS_ACCESS_KEY_ID") or ""
        self.secret = config.get("ALIYUN_SMS_ACCESS_KEY_SECRET") or ""
        self.sign_name = config.get("ALIYUN_SMS_SIGN_NAME") or "学补"
        self.endpoint = config.get("ALIYUN_SMS_ENDPOINT") or "https://dysmsapi.aliyuncs.com/"
        self.templates = config.get("ALIYUN_SMS_TEMPLATES") or {}
        if isinstance(self.templates, str):
            self.templates = json.loads(self.templates)
        self.default_template = config.get("ALIYUN_SMS_TEMPLATE") or ""
        self.timeout = float(config.get("SMS_TIMEOUT") or 10)

    def send(self, address: str, subject: str, body: str, *, event: str, values: dict) -> str:
        params = {"PhoneNumbers": address, "SignName": self.sign_name,
                  "TemplateCode": self.templates.get(event, self.default_template),
                  "TemplateParam": json.dumps({k: str(v) for k, v in values.items()}, ensure_ascii=False)}
        data = urllib.parse.urlencode(signed(params, self.key_id, self.secret)).encode()
        request = urllib.request.Request(self.endpoint, data=data, method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                answer = json.loads(resp.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            answer = _json_or_none(exc.read())
            if answer is None:
                raise SendError(f"HTTP {exc.code}") from None
        except (OSError, ValueError) as exc:
            raise SendError(f"{type(exc).__name__}: {exc}") from None
        if answer.get("Code") != "OK":
            code = answer.get("Code", "")
            # A wrong number or template will not get better by waiting; throttling and outages will.
            raise SendError(f"{code}: {answer.get('Message', '')}", permanent=code.startswith("isv.") and
                            "LIMIT" not in code and "CONTROL" not in code)
        return answer.get("BizId", "")


def _json_or_none(raw: bytes):
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError:
        return None


def percent(value: str) -> str:
    """Aliyun's POP encoding: RFC 3986, with ~ kept and space as %20."""
    return urllib.parse.quote(value, safe="~")


def signed(params: dict, key_id: str, secret: str, *, now: datetime | None = None, nonce: str | None = None) -> dict:
    """The request's parameters with the common ones and the signature (POP signature version 1.0)."""
    now = now or datetime.now(UTC)
    full = {"AccessKeyId": key_id, "Action": "SendSms", "Format": "JSON", "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1", "SignatureNonce": nonce or uuid.uuid4().hex, "SignatureVersion": "1.0",
            "Timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": AliyunSmsChannel.VERSION} | params
    canonical = "&".join(f"{percent(k)}={percent(v)}" for k, v in sorted(full.items()))
    to_sign = f"POST&{percent('/')}&{percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return full | {"Signature": base64.b64encode(digest).decode()}


CHANNELS = {"log": LogChannel, "email": EmailChannel, "sms": AliyunSmsChannel}
