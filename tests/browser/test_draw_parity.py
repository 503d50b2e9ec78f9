"""R-AUD-2: the console's in-browser recompute of a published draw (console/src/draw/, TypeScript) reaches the same
verdict, the same checks with the same wording, and the same selection per stratum as the Python reference
(services/audit/domain/sampling/, what `egov audit-draw verify` runs), for honest and tampered documents alike.

The TypeScript is compiled by the console's own tsc (its tsconfig, emitting CommonJS into a temporary folder) and run
under Node.js, whose globalThis.crypto.subtle is the browser's Web Crypto. Needs Node.js and the console's npm
packages (the browser tier's `console_build`); skipped without Node.js, failed under EGOV_REQUIRE_SERVERS=1."""
from __future__ import annotations

import copy
import json
import random
import subprocess
from fractions import Fraction

import pytest

from services.audit.domain.sampling.commitment import Commitment, CommitmentKind, seed_commitment
from services.audit.domain.sampling.document import build_document, verify_document
from services.audit.domain.sampling.errors import DrawError
from services.audit.domain.sampling.frame import FrameItem, frame_digest
from services.audit.domain.sampling.methods import Method, Stratification, draw
from tests.e2e.conftest import ROOT

SEED = "2718281828459045235360287471352662497757"
DRAND = "9F3C" * 16  # a beacon value as a clerk might type it: upper case, normalised to lower case by both
UNITS = ["市卫健委", "市教育局", "city-police", "区\U00020000办"]  # an astral character sorts after the BMP by code point

RUNNER = r"""
const { verifyText } = require('./js/document.js');
const fs = require('node:fs');
function shape(o) {
  if (o.kind === 'refused') return { kind: 'refused', message: o.message, field: o.field };
  if (o.kind !== 'verified') return { kind: 'unreadable' };
  const v = o.verification, r = v.result;
  return { kind: 'verified', ok: v.ok, checks: v.checks.map((c) => [c.name, c.passed, c.detail]),
           selection: r ? r.selectedIds : null, digest: r ? r.selectionDigest : null,
           strata: r ? r.strata.map((s) => [s.key, s.items, s.amount.toString(), s.sampleSize,
                                            s.selected.map((i) => i.project_id), s.certainBySize]) : null };
}
(async () => {
  const out = [];
  for (const text of JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))) out.push(shape(await verifyText(text)));
  fs.writeFileSync(process.argv[3], JSON.stringify(out));
})();
"""


def frame(size: int, *, rng: random.Random, zeros: float = 0.0, huge: bool = False) -> list[FrameItem]:
    """Ids whose order only code points get right (U+FF01 before U+1F600; UTF-16 puts the surrogates of U+1F600
    first), in groups of four sharing the rest of the id; amounts in fen; `huge` puts
    some beyond 2**53, where a JavaScript number would lose the last fen."""
    items, base = [], rng.randrange(10**5)
    for i in range(size):
        marker = ["", "\uff01", "\U0001F600", "é"][i % 4]
        amount = 0 if rng.random() < zeros else rng.randrange(1, 19_999_999_99)
        if huge and i % 7 == 0:
            amount = 2**53 + rng.randrange(1, 10**6)
        items.append(FrameItem(f"p-{base + i // 4:06d}{marker}", f"CITY-2026-{i:04d}",
                               UNITS[rng.randrange(len(UNITS))], ["IT_MAINTENANCE", "APPLICATION_SYSTEM_NEW"][i % 2],
                               amount))
    return items


def published(items, *, method: Method, strata: Stratification, proportion: str, public: bool = False,
              reveal: bool = True) -> dict:
    c = Commitment(draw_id="d-parity", jurisdiction="CITY", year=2026, proportion=proportion, method=method,
                   stratify_by=strata, frame_digest=frame_digest(items), frame_count=len(items),
                   frame_amount=sum(i.amount for i in items),
                   kind=CommitmentKind.PUBLIC_RANDOMNESS if public else CommitmentKind.SECRET_HASH,
                   seed_sha256=None if public else seed_commitment(SEED),
                   randomness_source="drand quicknet round 12345678" if public else None,
                   certainty_threshold=20_000_000_00, committed_at="2026-02-01T00:00:00+00:00")
    if not reveal:
        return build_document(c, items)
    seed = DRAND if public else SEED
    result = draw(items, proportion=Fraction(proportion), method=method, stratify_by=strata,
                  seed=seed.lower() if public else seed)
    return build_document(c, items, seed=seed, randomness_source="drand  quicknet round 12345678" if public else None,
                          selected_ids=result.selected_ids)


def tampered(document: dict, change) -> dict:
    document = copy.deepcopy(document)
    change(document)
    return document


FRAME_CHANGED = ("frame digest", "frame count and amount", "published selection", "selection digest")


def documents() -> dict[str, tuple[str, tuple[str, ...] | str]]:
    """name -> (the document's text, what the Python reference says of it: the names of the failed checks, or
    "refused" / "unreadable")."""
    rng = random.Random(20260201)
    srs = published(frame(200, rng=rng), method=Method.SRS, strata=Stratification.NONE, proportion="0.05")
    srs_units = published(frame(90, rng=rng), method=Method.SRS, strata=Stratification.UNIT, proportion="0.15")
    pps = published(frame(150, rng=rng, zeros=0.1, huge=True), method=Method.PPS, strata=Stratification.NONE,
                    proportion="0.1")
    pps_kinds = published(frame(120, rng=rng, zeros=0.2), method=Method.PPS, strata=Stratification.KIND,
                          proportion="0.3")
    public = published(frame(60, rng=rng), method=Method.PPS, strata=Stratification.UNIT, proportion="0.2",
                       public=True)
    mostly_zero = [FrameItem(f"z-{i}", f"Z-{i}", "u", "k", 5_000_00 if i == 2 else 0) for i in range(4)]
    cases = {
        "SRS of one project, everything drawn": (published(frame(1, rng=rng), method=Method.SRS,
                                                           strata=Stratification.NONE, proportion="1"), ()),
        "SRS, 200 projects": (srs, ()),
        "SRS by unit": (srs_units, ()),
        "PPS with a top stratum and amounts beyond 2**53": (pps, ()),
        "PPS by kind": (pps_kinds, ()),
        "PPS asking for more than the projects with an amount": (published(
            mostly_zero, method=Method.PPS, strata=Stratification.NONE, proportion="0.75"), ()),
        "PPS on public randomness": (public, ()),
        "before the reveal": (published(frame(30, rng=rng), method=Method.SRS, strata=Stratification.NONE,
                                        proportion="0.5", reveal=False), ()),
        "the year as text, normalised by int()": (tampered(srs, lambda d: d["commitment"].update(year="2026")), ()),
        "the proportion written 0.30, normalised to 0.3": (tampered(
            pps_kinds, lambda d: d["commitment"].update(proportion="0.30")), ()),
        # Tampered: the draw does not follow from its inputs.
        "wrong seed for the commitment": (tampered(srs_units, lambda d: d["reveal"].update(seed=SEED + "0")),
                                          ("seed matches commitment",)),
        "another randomness source named at the reveal": (tampered(
            public, lambda d: d["reveal"].update(randomness_source="drand round 9")), ("seed matches commitment",)),
        "a frame amount altered by one fen": (tampered(pps, lambda d: d["frame"][7].update(
            amount=d["frame"][7]["amount"] + 1)), FRAME_CHANGED),
        "a project removed from the frame": (tampered(pps_kinds, lambda d: d["frame"].pop(3)), FRAME_CHANGED),
        "a published project swapped": (tampered(srs, lambda d: d["selection"]["project_ids"].__setitem__(
            0, d["frame"][-1]["project_id"])), ("published selection",)),
        "six projects added to the selection": (tampered(pps, lambda d: d["selection"]["project_ids"].extend(
            item["project_id"] for item in d["frame"][:6])), ("published selection",)),
        "the selection digest altered": (tampered(srs_units, lambda d: d["selection"].update(digest="0" * 64)),
                                         ("selection digest",)),
        "the proportion changed after the commitment": (tampered(
            pps_kinds, lambda d: d["commitment"].update(proportion="0.35")),
            ("commitment digest", "published selection", "selection digest")),
        "the published commitment digest altered": (tampered(srs, lambda d: d.update(commitment_digest="x")),
                                                    ("commitment digest",)),
        # Unreadable: the Python raises DrawError (the CLI's exit 2), or json cannot read the text.
        "a project twice in the frame": (tampered(srs, lambda d: d["frame"].append(dict(d["frame"][0]))), "refused"),
        "a commitment without its year": (tampered(srs, lambda d: d["commitment"].pop("year")), "refused"),
        "a tab inside a frame field": (tampered(srs, lambda d: d["frame"][2].update(code="A\tB")), "refused"),
        "a proportion above one": (tampered(srs, lambda d: d["commitment"].update(proportion="1.5")), "refused"),
        "an unknown method": (tampered(srs, lambda d: d["commitment"].update(method="SYSTEMATIC")), "refused"),
    }
    texts = {name: (json.dumps(d, ensure_ascii=False), expected) for name, (d, expected) in cases.items()}
    texts["not JSON at all"] = ('{"format": "yiyang-audit-draw/1", ', "unreadable")
    return texts


def python_verdict(text: str) -> dict:
    try:
        report = verify_document(json.loads(text))
    except DrawError as refused:
        return {"kind": "refused", "message": refused.message, "field": refused.field}
    except ValueError:
        return {"kind": "unreadable"}
    result = report.result
    return {"kind": "verified", "ok": report.ok, "checks": [[c.name, c.passed, c.detail] for c in report.checks],
            "selection": result.selected_ids if result else None, "digest": result.selection_digest if result else None,
            "strata": [[s.key, s.items, str(s.amount), s.sample_size, [i.project_id for i in s.selected],
                        list(s.certain_by_size)] for s in result.strata] if result else None}


@pytest.fixture(scope="module")
def typescript_verifier(console_build, tmp_path_factory):
    """console/src/draw compiled by the console's tsc with the console's own compiler options, as CommonJS."""
    folder = tmp_path_factory.mktemp("draw-verifier")
    console = ROOT / "console"
    (folder / "tsconfig.json").write_text(json.dumps({
        "extends": str(console / "tsconfig.json"), "include": [], "files": [str(console / "src/draw/document.ts")],
        "compilerOptions": {"noEmit": False, "outDir": str(folder / "js"), "module": "commonjs",
                            "moduleResolution": "node10", "types": []}}), encoding="utf-8")
    subprocess.run([str(console / "node_modules/.bin/tsc"), "-p", str(folder / "tsconfig.json")], cwd=console,
                   check=True, timeout=300)
    (folder / "run.cjs").write_text(RUNNER, encoding="utf-8")
    return folder


def test_R_AUD_2_the_browser_recomputes_every_draw_exactly_as_the_python_reference(typescript_verifier):
    cases = documents()
    texts = [text for text, _ in cases.values()]
    (typescript_verifier / "in.json").write_text(json.dumps(texts, ensure_ascii=False), "utf-8")
    subprocess.run(["node", "run.cjs", "in.json", "out.json"], cwd=typescript_verifier, check=True, timeout=300)
    browser = json.loads((typescript_verifier / "out.json").read_text("utf-8"))
    python = [python_verdict(text) for text in texts]

    # Each document is what its name says on the Python side, so the agreement below is not agreement on nothing.
    for (name, (_, expected)), verdict in zip(cases.items(), python):
        said = verdict["kind"] if verdict["kind"] != "verified" else tuple(
            check for check, passed, _ in verdict["checks"] if not passed)
        assert said == expected, name
    drawn = [p for p in python if p.get("selection")]
    assert len(drawn) >= 15 and any(s[5] for p in drawn for s in p["strata"]), "no draw with a top stratum"
    assert len(browser) == len(python)
    for name, mine, theirs in zip(cases, browser, python):
        assert mine == theirs, name
