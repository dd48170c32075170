#!/usr/bin/env python3
"""Reference verifier for the Ledgerly webhook protocol, written from the protocol text
(the rules in test-vectors/README.md), standard library only. Runs every vector file and prints
"N passed, N failed"; exits 1 on any disagreement.

    python3 test-vectors/python/verify_vectors.py [vectors-dir]
"""
import base64
import hashlib
import hmac
import json
import math
import os
import re
import sys

MAX_SIGNATURE_HEADER_LENGTH = 4096
MAX_SIGNATURES = 16
MAX_ID_LENGTH = 256
DEFAULT_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024

HEADER_TEXT = re.compile(r"[\t\x20-\x7e]*")
TIMESTAMP = re.compile(r"[1-9][0-9]{0,9}")
HEX64 = re.compile(r"[0-9a-fA-F]{64}")
BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


class Rejected(Exception):
    """The request is not a valid webhook; `code` says why."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


class OptionsRejected(Exception):
    """The verifier options are unusable; raised before any request is looked at."""


# ---- options ---------------------------------------------------------------------------------------

def decode_base64(text):
    if not BASE64.fullmatch(text):
        return None
    return base64.b64decode(text, validate=True)


def secret_keys(secrets, scheme):
    if not isinstance(secrets, list) or not secrets:
        raise OptionsRejected("no secret")
    keys = []
    for secret in secrets:
        if not isinstance(secret, str) or secret.strip() == "" or secret != secret.strip():
            raise OptionsRejected("blank secret or surrounding whitespace")
        if scheme == "standard-webhooks":
            key = decode_base64(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
            if not key:
                raise OptionsRejected("not whsec_ + base64")
            keys.append(key)
        else:
            keys.append(secret.encode("utf-8"))
    return keys


def whole_number(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise OptionsRejected(name)
    return value


# ---- headers ---------------------------------------------------------------------------------------

def trim(text):
    return text.strip(" \t")


def read_one(headers, names, duplicate_code):
    """The value of the first of `names` present and not blank; a repeated header is rejected."""
    for name in names:
        values = [value for (key, value) in headers if key.lower() == name]
        if len(values) > 1:
            raise Rejected(duplicate_code)
        if values and trim(values[0]) != "":
            return name, values[0]
    return None


def checked_signature_header(value):
    header = trim(value)
    if len(header) > MAX_SIGNATURE_HEADER_LENGTH or not HEADER_TEXT.fullmatch(header):
        raise Rejected("MALFORMED_SIGNATURE")
    return header


def parse_timestamp(text):
    if not TIMESTAMP.fullmatch(text):
        raise Rejected("MALFORMED_TIMESTAMP")
    return int(text)


def ledgerly_headers(headers):
    found = read_one(headers, ["x-ledgerly-signature"], "MALFORMED_SIGNATURE")
    if found is None:
        raise Rejected("MISSING_SIGNATURE")
    header = checked_signature_header(found[1])
    t, v1 = None, []
    if "=" in header:
        for element in header.split(","):
            element = trim(element)
            if "=" not in element:
                raise Rejected("MALFORMED_SIGNATURE")
            key, value = element.split("=", 1)
            if key == "t":
                if t is not None:
                    raise Rejected("MALFORMED_SIGNATURE")
                t = value
            elif key == "v1":
                if len(v1) == MAX_SIGNATURES:
                    raise Rejected("MALFORMED_SIGNATURE")
                v1.append(value)
    else:
        v1 = [header]
    if not v1 or not all(HEX64.fullmatch(value) for value in v1):
        raise Rejected("MALFORMED_SIGNATURE")
    tags = [bytes.fromhex(value) for value in v1]
    separate = read_one(headers, ["x-ledgerly-timestamp"], "MALFORMED_TIMESTAMP")
    if t is None and separate is None:
        raise Rejected("MISSING_TIMESTAMP")
    signed = parse_timestamp(t) if t is not None else None
    other = parse_timestamp(separate[1]) if separate is not None else None
    if signed is not None and other is not None and signed != other:
        raise Rejected("MALFORMED_TIMESTAMP")
    timestamp = signed if signed is not None else other
    return timestamp, tags, f"{timestamp}.".encode("ascii"), None


def standard_headers(headers):
    found = read_one(headers, ["webhook-signature", "svix-signature"], "MALFORMED_SIGNATURE")
    if found is None:
        raise Rejected("MISSING_SIGNATURE")
    tags = []
    for entry in checked_signature_header(found[1]).split(" "):
        if entry == "":
            continue
        if "," not in entry:
            raise Rejected("MALFORMED_SIGNATURE")
        version, value = entry.split(",", 1)
        if version != "v1":
            continue
        tag = decode_base64(value)
        if tag is None or len(tag) != 32 or len(tags) == MAX_SIGNATURES:
            raise Rejected("MALFORMED_SIGNATURE")
        tags.append(tag)
    if not tags:
        raise Rejected("MALFORMED_SIGNATURE")
    message_id = read_one(headers, ["webhook-id", "svix-id"], "MALFORMED_SIGNATURE")
    if message_id is None:
        raise Rejected("MALFORMED_SIGNATURE")
    message_id = message_id[1]
    if len(message_id) > MAX_ID_LENGTH or not HEADER_TEXT.fullmatch(message_id):
        raise Rejected("MALFORMED_SIGNATURE")
    stamp = read_one(headers, ["webhook-timestamp", "svix-timestamp"], "MALFORMED_TIMESTAMP")
    if stamp is None:
        raise Rejected("MISSING_TIMESTAMP")
    timestamp = parse_timestamp(stamp[1])
    return timestamp, tags, f"{message_id}.{timestamp}.".encode("utf-8"), message_id


# ---- body ------------------------------------------------------------------------------------------

def no_proto_keys(pairs):
    for key, _ in pairs:
        if key == "__proto__":
            raise Rejected("INVALID_PAYLOAD")
    return dict(pairs)


def reject_constant(_name):
    raise Rejected("INVALID_PAYLOAD")  # NaN and Infinity are not JSON


def parse_body(body):
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected("INVALID_PAYLOAD") from None
    if text == "" or text.startswith("\ufeff"):
        raise Rejected("INVALID_PAYLOAD")
    try:
        return json.loads(text, object_pairs_hook=no_proto_keys, parse_constant=reject_constant)
    except ValueError:
        raise Rejected("INVALID_PAYLOAD") from None


MAX_EXACT_ID = 2**53 - 1  # the largest whole number every JSON parser (a double in JavaScript) keeps exact


def exact_id_text(value):
    """A numeric id as its decimal text, or None when it is not a whole number within +-(2^53 - 1)."""
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        value = int(value)
    return str(value) if abs(value) <= MAX_EXACT_ID else None


def ledgerly_envelope(body, _message_id):
    if not isinstance(body, dict):
        raise Rejected("INVALID_PAYLOAD")
    event, data = body.get("event"), body.get("data")
    if not isinstance(event, str) or event == "" or not isinstance(data, dict):
        raise Rejected("INVALID_PAYLOAD")
    entry_id = data.get("id")
    if isinstance(entry_id, str) and entry_id != "":
        return event, entry_id
    if isinstance(entry_id, (int, float)) and not isinstance(entry_id, bool):
        text = exact_id_text(entry_id)
        if text is not None:
            return event, text
    raise Rejected("INVALID_PAYLOAD")


def standard_envelope(body, message_id):
    if not isinstance(body, dict):
        raise Rejected("INVALID_PAYLOAD")
    event = body.get("type") if isinstance(body.get("type"), str) else body.get("event")
    return (event if isinstance(event, str) else ""), message_id


# ---- verify ----------------------------------------------------------------------------------------

SCHEMES = {"ledgerly": (ledgerly_headers, ledgerly_envelope), "standard-webhooks": (standard_headers, standard_envelope)}


def build_verifier(case):
    if case["scheme"] not in SCHEMES:
        raise OptionsRejected("scheme")
    keys = secret_keys(case["secrets"], case["scheme"])
    tolerance = whole_number(case["tolerance"], "tolerance")
    limit = whole_number(case.get("maxPayloadBytes", DEFAULT_MAX_PAYLOAD_BYTES), "maxPayloadBytes")
    read_headers, read_envelope = SCHEMES[case["scheme"]]

    def verify(headers, body, now):
        if len(body) > limit:
            raise Rejected("PAYLOAD_TOO_LARGE")
        timestamp, tags, prefix, message_id = read_headers(headers)
        if now - timestamp > tolerance:
            raise Rejected("TIMESTAMP_TOO_OLD")
        if timestamp - now > tolerance:
            raise Rejected("TIMESTAMP_TOO_NEW")
        secret_index = None
        for index, key in enumerate(keys):
            digest = hmac.new(key, prefix + body, hashlib.sha256).digest()
            if any(hmac.compare_digest(digest, tag) for tag in tags):
                secret_index = index
                break
        if secret_index is None:
            raise Rejected("SIGNATURE_MISMATCH")
        event, entry_id = read_envelope(parse_body(body), message_id)
        return {"valid": True, "event": event, "id": entry_id, "secretIndex": secret_index, "timestamp": timestamp}

    return verify


def outcome(case):
    try:
        verify = build_verifier(case)
    except OptionsRejected:
        return {"valid": False, "optionsRejected": True}
    headers = [(name, value) for name, value in case["headers"]]
    try:
        return verify(headers, bytes.fromhex(case["body"]["hex"]), case["now"])
    except Rejected as rejection:
        return {"valid": False, "code": rejection.code}


def main():
    vectors = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vectors")
    passed = failed = 0
    names = sorted(name for name in os.listdir(vectors) if name.endswith(".json"))
    if not names:
        print(f"no vector files in {vectors}", file=sys.stderr)
        failed += 1
    for name in names:
        with open(os.path.join(vectors, name), encoding="utf-8") as handle:
            document = json.load(handle)
        for case in document["cases"]:
            if "macHex" in case:
                mac = hmac.new(bytes.fromhex(case["keyHex"]), bytes.fromhex(case["dataHex"]), hashlib.sha256).hexdigest()
                got, want = mac[: len(case["macHex"])], case["macHex"]
            else:
                got, want = outcome(case), case["expected"]
            if got == want:
                passed += 1
            else:
                failed += 1
                print(f"FAIL {name}#{case['id']}: expected {want}, got {got}", file=sys.stderr)
    print(f"python {sys.version.split()[0]} | reference verifier | {passed} passed, {failed} failed")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
