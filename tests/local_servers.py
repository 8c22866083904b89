"""Real local stand-ins for the notification channels: an SMTP server (aiosmtpd) and an HTTP server answering like
the SMS provider; conftest exposes the fixtures, tests call `configure_channels`."""
import email
import email.policy
import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, envelope.original_content))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    inbox.port = port
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox
    controller.stop()


class SmsProvider(BaseHTTPRequestHandler):
    """Answers like Aliyun's SendSms: a JSON body with Code OK, or what the test queues in `answers`."""
    received: list = []
    answers: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        SmsProvider.received.append(dict(urllib.parse.parse_qsl(body)))
        status, answer = SmsProvider.answers.pop(0) if SmsProvider.answers else (200, {"Code": "OK", "BizId": "1"})
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_server():
    SmsProvider.received, SmsProvider.answers = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SmsProvider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield SmsProvider, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def configure_channels(app, channels, smtp=None, sms=None):
    app.config.update(NOTIFY_CHANNELS=channels, PUBLIC_BASE_URL="https://xuebu.example.cn")
    if smtp:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_FROM="noreply@example.cn")
    if sms:
        app.config.update(ALIYUN_SMS_ENDPOINT=sms, ALIYUN_SMS_ACCESS_KEY_ID="kid", ALIYUN_SMS_ACCESS_KEY_SECRET="s3cret",
                          ALIYUN_SMS_SIGN_NAME="广州市总工会", ALIYUN_SMS_TEMPLATES={"returned": "SMS_1001"},
                          ALIYUN_SMS_TEMPLATE="SMS_1000")


def mail_text(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return message["Subject"] + "\n" + message.get_content()
