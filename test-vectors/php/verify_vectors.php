<?php
// Reference verifier for the Ledgerly webhook protocol in PHP, written from the protocol text
// (the rules in test-vectors/README.md) with hash_hmac + hash_equals, as the seed's example does.
// Runs every vector file and prints "N passed, N failed"; exits 1 on any disagreement.
//
//     php test-vectors/php/verify_vectors.php [vectors-dir]
declare(strict_types=1);

const MAX_SIGNATURE_HEADER_LENGTH = 4096;
const MAX_SIGNATURES = 16;
const MAX_ID_LENGTH = 256;
const DEFAULT_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const BASE64_PATTERN = '~^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\z~';

final class Rejected extends Exception
{
    public function __construct(public readonly string $codeName)
    {
        parent::__construct($codeName);
    }
}

final class OptionsRejected extends Exception
{
}

// ---- options -----------------------------------------------------------------------------------

function decode_base64(string $text): ?string
{
    if (preg_match(BASE64_PATTERN, $text) !== 1) {
        return null;
    }
    $bytes = base64_decode($text, true);
    return $bytes === false ? null : $bytes;
}

/** @return list<string> HMAC keys */
function secret_keys(mixed $secrets, string $scheme): array
{
    if (!is_array($secrets) || count($secrets) === 0) {
        throw new OptionsRejected('no secret');
    }
    $keys = [];
    foreach ($secrets as $secret) {
        // Whitespace as JavaScript's trim sees it, for the ASCII range the vectors use.
        if (!is_string($secret) || trim($secret, " \t\n\r\v\f") === '' || trim($secret, " \t\n\r\v\f") !== $secret) {
            throw new OptionsRejected('blank secret or surrounding whitespace');
        }
        if ($scheme === 'standard-webhooks') {
            $key = decode_base64(str_starts_with($secret, 'whsec_') ? substr($secret, 6) : $secret);
            if ($key === null || $key === '') {
                throw new OptionsRejected('not whsec_ + base64');
            }
            $keys[] = $key;
        } else {
            $keys[] = $secret; // the UTF-8 bytes of the secret, verbatim
        }
    }
    return $keys;
}

function whole_number(mixed $value, string $name): int
{
    if (!is_int($value) || $value < 0) {
        throw new OptionsRejected($name);
    }
    return $value;
}

// ---- headers -----------------------------------------------------------------------------------

function trim_space(string $text): string
{
    return trim($text, " \t");
}

/** @param list<array{0: string, 1: string}> $headers @return ?string the value of the first name present */
function read_one(array $headers, array $names, string $duplicateCode): ?string
{
    foreach ($names as $name) {
        $values = [];
        foreach ($headers as [$key, $value]) {
            if (strtolower($key) === $name) {
                $values[] = $value;
            }
        }
        if (count($values) > 1) {
            throw new Rejected($duplicateCode);
        }
        if (count($values) === 1 && trim_space($values[0]) !== '') {
            return $values[0];
        }
    }
    return null;
}

function is_header_text(string $text): bool
{
    return preg_match('~^[\t\x20-\x7e]*\z~', $text) === 1;
}

function checked_signature_header(string $value): string
{
    $header = trim_space($value);
    if (strlen($header) > MAX_SIGNATURE_HEADER_LENGTH || !is_header_text($header)) {
        throw new Rejected('MALFORMED_SIGNATURE');
    }
    return $header;
}

function parse_timestamp(string $text): int
{
    if (preg_match('~^[1-9][0-9]{0,9}\z~', $text) !== 1) {
        throw new Rejected('MALFORMED_TIMESTAMP');
    }
    return (int) $text;
}

/** @return array{int, list<string>, string, ?string} timestamp, tags, signed prefix, message id */
function ledgerly_headers(array $headers): array
{
    $found = read_one($headers, ['x-ledgerly-signature'], 'MALFORMED_SIGNATURE');
    if ($found === null) {
        throw new Rejected('MISSING_SIGNATURE');
    }
    $header = checked_signature_header($found);
    $t = null;
    $v1 = [];
    if (str_contains($header, '=')) {
        foreach (explode(',', $header) as $element) {
            $element = trim_space($element);
            if (!str_contains($element, '=')) {
                throw new Rejected('MALFORMED_SIGNATURE');
            }
            [$key, $value] = explode('=', $element, 2);
            if ($key === 't') {
                if ($t !== null) {
                    throw new Rejected('MALFORMED_SIGNATURE');
                }
                $t = $value;
            } elseif ($key === 'v1') {
                if (count($v1) === MAX_SIGNATURES) {
                    throw new Rejected('MALFORMED_SIGNATURE');
                }
                $v1[] = $value;
            }
        }
    } else {
        $v1 = [$header];
    }
    if (count($v1) === 0) {
        throw new Rejected('MALFORMED_SIGNATURE');
    }
    $tags = [];
    foreach ($v1 as $value) {
        if (preg_match('~^[0-9a-fA-F]{64}\z~', $value) !== 1) {
            throw new Rejected('MALFORMED_SIGNATURE');
        }
        $tags[] = hex2bin($value);
    }
    $separate = read_one($headers, ['x-ledgerly-timestamp'], 'MALFORMED_TIMESTAMP');
    if ($t === null && $separate === null) {
        throw new Rejected('MISSING_TIMESTAMP');
    }
    $signed = $t === null ? null : parse_timestamp($t);
    $other = $separate === null ? null : parse_timestamp($separate);
    if ($signed !== null && $other !== null && $signed !== $other) {
        throw new Rejected('MALFORMED_TIMESTAMP');
    }
    $timestamp = $signed ?? $other;
    return [$timestamp, $tags, $timestamp . '.', null];
}

function standard_headers(array $headers): array
{
    $found = read_one($headers, ['webhook-signature', 'svix-signature'], 'MALFORMED_SIGNATURE');
    if ($found === null) {
        throw new Rejected('MISSING_SIGNATURE');
    }
    $tags = [];
    foreach (explode(' ', checked_signature_header($found)) as $entry) {
        if ($entry === '') {
            continue;
        }
        if (!str_contains($entry, ',')) {
            throw new Rejected('MALFORMED_SIGNATURE');
        }
        [$version, $value] = explode(',', $entry, 2);
        if ($version !== 'v1') {
            continue;
        }
        $tag = decode_base64($value);
        if ($tag === null || strlen($tag) !== 32 || count($tags) === MAX_SIGNATURES) {
            throw new Rejected('MALFORMED_SIGNATURE');
        }
        $tags[] = $tag;
    }
    if (count($tags) === 0) {
        throw new Rejected('MALFORMED_SIGNATURE');
    }
    $id = read_one($headers, ['webhook-id', 'svix-id'], 'MALFORMED_SIGNATURE');
    if ($id === null || strlen($id) > MAX_ID_LENGTH || !is_header_text($id)) {
        throw new Rejected('MALFORMED_SIGNATURE');
    }
    $stamp = read_one($headers, ['webhook-timestamp', 'svix-timestamp'], 'MALFORMED_TIMESTAMP');
    if ($stamp === null) {
        throw new Rejected('MISSING_TIMESTAMP');
    }
    $timestamp = parse_timestamp($stamp);
    return [$timestamp, $tags, $id . '.' . $timestamp . '.', $id];
}

// ---- body --------------------------------------------------------------------------------------

function assert_no_proto_key(mixed $value): void
{
    if (is_object($value)) {
        foreach (get_object_vars($value) as $key => $item) {
            if ((string) $key === '__proto__') {
                throw new Rejected('INVALID_PAYLOAD');
            }
            assert_no_proto_key($item);
        }
    } elseif (is_array($value)) {
        foreach ($value as $item) {
            assert_no_proto_key($item);
        }
    }
}

function parse_body(string $body): mixed
{
    // preg_match with /u fails on any invalid UTF-8 (overlong forms and surrogates included).
    if ($body === '' || preg_match('//u', $body) !== 1 || str_starts_with($body, "\xEF\xBB\xBF")) {
        throw new Rejected('INVALID_PAYLOAD');
    }
    try {
        $value = json_decode($body, false, 512, JSON_THROW_ON_ERROR);
    } catch (JsonException) {
        throw new Rejected('INVALID_PAYLOAD');
    }
    assert_no_proto_key($value);
    return $value;
}

/** @return array{string, string} event and entry id */
function ledgerly_envelope(mixed $body, ?string $id): array
{
    if (!is_object($body)) {
        throw new Rejected('INVALID_PAYLOAD');
    }
    $event = $body->event ?? null;
    $data = $body->data ?? null;
    if (!is_string($event) || $event === '' || !is_object($data)) {
        throw new Rejected('INVALID_PAYLOAD');
    }
    $entry = $data->id ?? null;
    if (is_string($entry) && $entry !== '') {
        return [$event, $entry];
    }
    // A numeric id must be a whole number within +-(2^53 - 1), the range a JavaScript double keeps exact.
    $maxExact = 9007199254740991;
    if (is_int($entry) && abs($entry) <= $maxExact) {
        return [$event, (string) $entry];
    }
    if (is_float($entry) && is_finite($entry) && floor($entry) === $entry && abs($entry) <= $maxExact) {
        return [$event, (string) (int) $entry];
    }
    throw new Rejected('INVALID_PAYLOAD');
}

function standard_envelope(mixed $body, ?string $id): array
{
    if (!is_object($body)) {
        throw new Rejected('INVALID_PAYLOAD');
    }
    $event = is_string($body->type ?? null) ? $body->type : ($body->event ?? null);
    return [is_string($event) ? $event : '', $id];
}

// ---- verify ------------------------------------------------------------------------------------

function outcome(array $case): array
{
    $schemes = [
        'ledgerly' => ['ledgerly_headers', 'ledgerly_envelope'],
        'standard-webhooks' => ['standard_headers', 'standard_envelope'],
    ];
    try {
        if (!isset($schemes[$case['scheme']])) {
            throw new OptionsRejected('scheme');
        }
        $keys = secret_keys($case['secrets'], $case['scheme']);
        $tolerance = whole_number($case['tolerance'], 'tolerance');
        $limit = whole_number($case['maxPayloadBytes'] ?? DEFAULT_MAX_PAYLOAD_BYTES, 'maxPayloadBytes');
    } catch (OptionsRejected) {
        return ['valid' => false, 'optionsRejected' => true];
    }
    [$readHeaders, $readEnvelope] = $schemes[$case['scheme']];
    $body = hex2bin($case['body']['hex']);
    $now = $case['now'];
    try {
        if (strlen($body) > $limit) {
            throw new Rejected('PAYLOAD_TOO_LARGE');
        }
        [$timestamp, $tags, $prefix, $id] = $readHeaders($case['headers']);
        if ($now - $timestamp > $tolerance) {
            throw new Rejected('TIMESTAMP_TOO_OLD');
        }
        if ($timestamp - $now > $tolerance) {
            throw new Rejected('TIMESTAMP_TOO_NEW');
        }
        $secretIndex = null;
        foreach ($keys as $index => $key) {
            $digest = hash_hmac('sha256', $prefix . $body, $key, true);
            foreach ($tags as $tag) {
                if (hash_equals($digest, $tag)) {
                    $secretIndex = $index;
                    break 2;
                }
            }
        }
        if ($secretIndex === null) {
            throw new Rejected('SIGNATURE_MISMATCH');
        }
        [$event, $entryId] = $readEnvelope(parse_body($body), $id);
        return ['valid' => true, 'event' => $event, 'id' => $entryId, 'secretIndex' => $secretIndex, 'timestamp' => $timestamp];
    } catch (Rejected $rejection) {
        return ['valid' => false, 'code' => $rejection->codeName];
    }
}

function main(array $argv): int
{
    $dir = $argv[1] ?? __DIR__ . '/../vectors';
    $files = glob($dir . '/*.json') ?: [];
    sort($files);
    $passed = 0;
    $failed = count($files) === 0 ? 1 : 0;
    foreach ($files as $file) {
        $document = json_decode((string) file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
        foreach ($document['cases'] as $case) {
            if (isset($case['macHex'])) {
                $mac = hash_hmac('sha256', hex2bin($case['dataHex']), hex2bin($case['keyHex']));
                $got = substr($mac, 0, strlen($case['macHex']));
                $want = $case['macHex'];
            } else {
                $got = outcome($case);
                $want = $case['expected'];
            }
            if ($got === $want) {
                $passed++;
            } else {
                $failed++;
                fwrite(STDERR, sprintf("FAIL %s#%s: expected %s, got %s\n", basename($file), $case['id'], json_encode($want), json_encode($got)));
            }
        }
    }
    printf("php %s | reference verifier | %d passed, %d failed\n", PHP_VERSION, $passed, $failed);
    printf("%d passed, %d failed\n", $passed, $failed);
    return $failed === 0 && $passed > 0 ? 0 : 1;
}

exit(main($argv));
