"""OCR benchmark: are the ID, phone and bank-card numbers in a scanned list found, and how fast?

    .venv/bin/python bench/ocr_bench.py [--pages 12] [--dpi 150,200,300] [--long 20]

Pages: generated 公示名单 (``gongkai.ocr.testing.make_scanned_list``): a title, a sentence with
a document number and dates, a bordered table of 25 pupils (landscape when it has three number
columns) set in the Noto CJK faces Gongkai ships, ID numbers with phone numbers, with bank-card
numbers, or both; one row in seven already masked. Each page is printed with a red seal over
some of the numbers, turned by up to ±1.5°, greyed, blurred, given noise and JPEG-compressed,
at each ``--dpi``. Look-alikes that must stay silent are on every page: dates (2025-09-12,
2025年9月12日, 20250912), amounts (1,500.00), masked numbers (371502********1234,
138****5678, 6222 **** **** 1234), landlines (0635-…), student numbers, document numbers.

Recall and precision per kind: a number counts as found when screening's detectors
(``screening.scan.scan_text``, the same as for text) report it with the right kind in the
page's recognised text; anything else they report is a false alarm. Seconds per page on one
core: ONNX Runtime limited to one thread, one page at a time; CPU time is the process's own
(the verdict), wall time is shown too (it includes waiting for a core on a busy machine).

``--long N``: one N-page scan at 200 dpi as a PDF, read the way the job runner reads it
(``GONGKAI_OCR_THREADS`` pages at once, two by default: this machine has two cores) and
screened; the target is 60 s for 20 pages.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings_test")

import django

django.setup()

from gongkai.ocr.engine import Engine, Settings  # noqa: E402
from gongkai.ocr.layout import from_page  # noqa: E402
from gongkai.ocr.testing import (  # noqa: E402
    BANK_CARD,
    ID_CARD,
    MOBILE_PHONE,
    image_pdf,
    make_scanned_list,
)
from gongkai.screening.scan import scan_text  # noqa: E402

KINDS = (ID_CARD, MOBILE_PHONE, BANK_CARD)
LABELS = {ID_CARD: "ID", MOBILE_PHONE: "phone", BANK_CARD: "bank card"}
LAYOUTS = ((ID_CARD, MOBILE_PHONE), (ID_CARD, BANK_CARD), (ID_CARD, MOBILE_PHONE, BANK_CARD))


def normal(text: str) -> str:
    return "".join(c for c in text if c.isalnum()).upper()


def found_numbers(text: str) -> set[tuple[str, str]]:
    return {(f.kind, normal(f.text)) for f in scan_text(text) if f.kind in KINDS}


def accuracy(dpi: int, pages: int, seed: int, engine: Engine) -> dict[str, object]:
    truth_count: Counter[str] = Counter()
    hit_count: Counter[str] = Counter()
    reported: Counter[str] = Counter()
    false: list[tuple[int, str, str]] = []
    missed: list[tuple[int, str, str]] = []
    decoys = 0
    cpu = wall = 0.0
    for index in range(pages):
        rng = random.Random(seed * 1000 + index)
        page = make_scanned_list(rng, dpi=dpi, columns=LAYOUTS[index % len(LAYOUTS)])
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        text = from_page(engine.read(page.image)).text
        found = found_numbers(text)
        cpu += time.process_time() - started_cpu
        wall += time.perf_counter() - started_wall
        truth = set(page.numbers)
        decoys += len(page.decoys)
        for kind, number in truth:
            truth_count[kind] += 1
            if (kind, number) in found:
                hit_count[kind] += 1
            else:
                missed.append((index, kind, number))
        for kind, number in found:
            reported[kind] += 1
            if (kind, number) not in truth:
                false.append((index, kind, number))
    return {
        "dpi": dpi,
        "pages": pages,
        "truth": truth_count,
        "hits": hit_count,
        "reported": reported,
        "false": false,
        "missed": missed,
        "decoys": decoys,
        "cpu": cpu / pages,
        "wall": wall / pages,
    }


def long_scan(pages: int, seed: int, threads: int) -> dict[str, float]:
    from django.test import override_settings

    from gongkai.ocr import documents, services

    rng = random.Random(seed)
    images = [make_scanned_list(rng, dpi=200, columns=LAYOUTS[i % 2]).image for i in range(pages)]
    data = image_pdf(images, dpi=200)
    services.engine().load()
    started_cpu, started = time.process_time(), time.perf_counter()
    findings = 0
    with (
        override_settings(GONGKAI_OCR_THREADS=threads),
        documents.open_document(data, "scan.pdf", dpi=200) as document,
    ):
        infos = [document.info(n) for n in range(1, document.page_count + 1)]
        for read in services._read_all(document, infos):
            findings += len(found_numbers(read.text.text))
    return {
        "pages": pages,
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - started_cpu,
        "findings": findings,
        "threads": threads,
        "megabytes": len(data) / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=12, help="pages per resolution (0: skip)")
    parser.add_argument("--dpi", default="150,200,300")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--long", type=int, default=20, help="pages of the long scan (0: skip)")
    parser.add_argument("--threads", type=int, default=2, help="pages at once for the long scan")
    parser.add_argument("--verbose", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args()

    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    engine = Engine(Settings(threads=1))
    started = time.perf_counter()
    engine.load()
    print(f"engine loaded in {time.perf_counter() - started:.2f} s (one ONNX Runtime thread)\n")

    timing = []
    resolutions = [int(d) for d in args.dpi.split(",")] if args.pages else []
    if resolutions:
        print("| dpi | pages | kind | numbers | found | recall | reported | precision |")
        print("|---|---|---|---|---|---|---|---|")
    for dpi in resolutions:
        result = accuracy(dpi, args.pages, args.seed, engine)
        for kind in KINDS:
            truth = result["truth"][kind]  # type: ignore[index]
            hits = result["hits"][kind]  # type: ignore[index]
            reported = result["reported"][kind]  # type: ignore[index]
            recall = hits / truth if truth else float("nan")
            precision = hits / reported if reported else float("nan")
            print(
                f"| {dpi} | {args.pages} | {LABELS[kind]} | {truth} | {hits} | {recall:.3f} "
                f"| {reported} | {precision:.3f} |"
            )
        timing.append(result)
        if args.verbose:
            for index, kind, number in result["missed"]:  # type: ignore[attr-defined]
                print(f"  missed   page {index} {kind} {number}")
            for index, kind, number in result["false"]:  # type: ignore[attr-defined]
                print(f"  reported page {index} {kind} {number} (not on the page)")
    if timing:
        print()
        print("| dpi | look-alikes on the pages | false alarms | CPU s/page | wall s/page |")
        print("|---|---|---|---|---|")
    for result in timing:
        print(
            f"| {result['dpi']} | {result['decoys']} | {len(result['false'])} "  # type: ignore[arg-type]
            f"| {result['cpu']:.2f} | {result['wall']:.2f} |"
        )
    if args.long:
        long = long_scan(args.long, args.seed, args.threads)
        verdict = "met" if long["seconds"] <= 60 * args.long / 20 else "missed"
        print(
            f"\n{long['pages']}-page scan at 200 dpi ({long['megabytes']:.1f} MB PDF), "
            f"{long['threads']} pages at once: read and screened in {long['seconds']:.1f} s wall "
            f"({long['cpu']:.1f} s CPU), {long['findings']} numbers found; "
            f"target {60 * args.long / 20:.0f} s: {verdict}"
        )


if __name__ == "__main__":
    main()
