"""JSON columns are written by orjson, and by the json module where orjson cannot (the same text either way)."""
import json

from shared.db import json_dumps


def test_json_columns_read_back_what_was_written_whatever_writes_them():
    values = [{"name": "智慧城市", "amount_fen": 2_000_000_000, "years": {2026: 1, 2027: 2}, "tags": ["a", None]},
              {"beyond_64_bits": 2 ** 70, "negative": -(2 ** 65)}]
    for value in values:
        written = json_dumps(value)
        assert json.loads(written) == json.loads(json.dumps(value))  # integer keys become strings, as json's do
    assert json.loads(json_dumps(values[1]))["beyond_64_bits"] == 2 ** 70
