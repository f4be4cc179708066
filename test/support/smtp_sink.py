"""A local SMTP sink for the socket tests, run by test/support/smtp-server.ts:

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.DirectorySink /path/to/dir

Every accepted message is written to DIR/<id>.eml (the exact bytes received) and described by one
JSON line appended to DIR/messages.jsonl: {"id", "mail_from", "rcpt_tos", "eml", "received_at"}.
Recipients whose local part starts with "reject" are refused with 550, like a real server refuses
an unknown mailbox.
"""

import json
import os
import time
import uuid


class DirectorySink:
    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("DirectorySink takes one argument: the directory to write messages to")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].lower().startswith("reject"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        ident = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        eml = os.path.join(self.directory, f"{ident}.eml")
        tmp = eml + ".tmp"
        with open(tmp, "wb") as f:
            f.write(raw)
        os.replace(tmp, eml)
        line = json.dumps(
            {
                "id": ident,
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "eml": eml,
                "received_at": time.time(),
            }
        )
        # One write with O_APPEND: a reader never sees half a line.
        fd = os.open(os.path.join(self.directory, "messages.jsonl"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)
        return "250 Message accepted for delivery"
