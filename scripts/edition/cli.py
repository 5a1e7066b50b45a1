"""The `edition` command: build, check and serve the edition.

    edition build              convert sources/ into tei/ (and the search index)
    edition validate PATH...   validate TEI files (text or --json)
    edition fidelity [TEXT]    account for every source word
    edition detectors [TEXT]   classes of damage left in the texts, and the decisions on them
    edition joins [TEXT]       a seeded sample of page-break joins, to read by eye
    edition notes [TEXT]       the notes report per text
    edition names [TEXT]       names no register entry claims, for the editors; --view decisions,
                               homonyms, entries: how each name was identified; bodies: bodies
                               no orgName marks
    edition ocr-candidates     forms that may be misreadings, for data/corrections/
    edition serve              serve the reading edition with waitress
    edition export-static DIR  the reading edition as static files
    edition bench              measure everything -> docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

from . import TEI_DIR


def cmd_build(args) -> int:
    from .build import build_edition, source_files
    from .model import ConversionError

    # SIGTERM (a CI timeout, systemd) ends the build like Ctrl-C: staged files are removed
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.perf_counter()
    print(f"Building the edition into {args.out}/ ...", file=sys.stderr)
    try:
        sources = source_files(Path(args.sources)) if args.sources else None
        results = build_edition(sources=sources, out_dir=Path(args.out), jobs=args.jobs, progress=True,
                                force=args.force)
    except OSError as err:
        print(f"edition build: {err.filename}: {err.strerror}", file=sys.stderr)
        return 1
    except ConversionError as err:
        print(f"edition build: {err}", file=sys.stderr)
        return 1
    for result in results:
        for warning in result.warnings:
            print(f"  warning: {warning}", file=sys.stderr)
    print(f"Built {len(results)} texts in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    if Path(args.out).resolve() == TEI_DIR.resolve() and not args.sources:
        from . import BUILD
        from .review import write_decisions

        count = write_decisions({r.text_id: r.report for r in results}, BUILD / "decisions.tsv")
        print(f"Decisions among homonyms: {count}, in {BUILD / 'decisions.tsv'}", file=sys.stderr)
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def cmd_validate(args) -> int:
    """Exit 0 valid, 1 invalid, 2 usage error (no such file), 3 a file refused as unsafe."""
    from .validate import EXIT_USAGE, edition_files, validate_paths

    paths = [Path(p) for p in args.paths] or edition_files()
    missing = [str(p) for p in paths if not p.is_file()]
    if missing or not paths:
        for path in missing:
            print(f"edition validate: {path}: no such file", file=sys.stderr)
        if not paths:
            print(f"edition validate: no TEI files in {TEI_DIR} (run edition build first)", file=sys.stderr)
        return EXIT_USAGE
    report = validate_paths(paths, tei_all=args.tei_all)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        for problem in report.problems:
            print(problem)
        errors, warnings = len(report.errors), len(report.problems) - len(report.errors)
        verdict = "valid" if not errors else ("refused" if report.refused else "invalid")
        sys.stdout.flush()  # the problems (stdout) before the verdict (stderr) on a terminal too
        print(f"{_count(len(paths), 'file')}: {verdict}, {_count(errors, 'error')}, {_count(warnings, 'warning')} "
              f"({report.seconds:.2f} s)", file=sys.stderr)
    return report.exit_status


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def cmd_fidelity(args) -> int:
    from .build import build_text, source_files

    status = 0
    for source in source_files():
        if args.texts and source.stem not in args.texts:
            continue
        report = build_text(source).fidelity
        if args.json:
            print(json.dumps(report, ensure_ascii=False))
            continue
        print(f"{report['text']}: {report['source_words']} source words, {report['tei_words']} TEI words, "
              f"lost {report['lost']}, added by the edition {report['added_by_edition']}")
        for rule, count in report["removed_by_rule"].items():
            print(f"    removed by rule {rule}: {count} words")
        if report["lost"]:
            print(f"    lost (sample): {report['lost_sample']}")
            status = 1
    return status


def cmd_detectors(args) -> int:
    """Classes of damage found in each built text: counts, decided cases, and every open case."""
    from .detectors import DETECTORS, detect_edition

    chosen = sources_named("detectors", args.texts)
    if chosen is None:
        return 2
    try:
        reports = detect_edition(Path(args.tei), [s.stem for s in chosen])
    except ValueError as err:  # a decisions file that says too little
        print(f"edition detectors: {err}", file=sys.stderr)
        return 1
    if not reports:
        print(f"edition detectors: no TEI files in {args.tei} (run edition build first)", file=sys.stderr)
        return 2
    status = 0
    for report in reports:
        found, decided = report.counts(), report.counts(decided=True)
        print(f"{report.text_key}: {len(report.cases)} cases, {sum(decided.values())} decided, "
              f"{len(report.open_cases())} open")
        for name, description in DETECTORS.items():
            print(f"    {name:<18} {found[name]:>4} found, {decided[name]:>3} decided  ({description})")
        for case in report.open_cases():
            print(f"    open: {case}")
        for decision in report.stale:
            print(f"    stale decision (no case meets it): {decision['detector']}: {decision['passage']!r}")
        if report.open_cases() or report.stale:
            status = 1
    return status


def sources_named(command: str, texts: list[str]) -> list[Path] | None:
    """The sources named on the command line (all if none), or None after saying which names are unknown."""
    from .build import source_files

    sources = source_files()
    unknown = sorted(set(texts) - {s.stem for s in sources})
    if unknown:
        print(f"edition {command}: no such text: {', '.join(unknown)} "
              f"(texts: {', '.join(s.stem for s in sources)})", file=sys.stderr)
        return None
    return [s for s in sources if not texts or s.stem in texts]


def cmd_joins(args) -> int:
    """A seeded random sample of the mended page breaks, to read by eye."""
    import random

    from .clean import clean
    from .parse import parse
    from .profile import profile_for
    from .structure import join_points, structure

    sources = sources_named("joins", args.texts)
    if sources is None:
        return 2
    if args.sample < 0 or args.width < 1:
        print("edition joins: --sample must be 0 or more and --width 1 or more", file=sys.stderr)
        return 2
    for source in sources:
        points = join_points(structure(clean(parse(source, profile_for(source)))))
        chosen = sorted(random.Random(args.seed).sample(range(len(points)), min(args.sample, len(points))))
        print(f"{source.stem}: {len(points)} joins, {sum(p['lost'] for p in points)} with a loss marked; "
              f"sample of {len(chosen)} (seed {args.seed})")
        for index in chosen:
            point = points[index]
            print(f"  [{index}] line {point['line']}: ...{point['left'][-args.width:]} |"
                  f"{' [gap] ' if point['lost'] else ''}| {point['right'][:args.width]}...")
    return 0


def cmd_notes(args) -> int:
    from .build import convert, source_files
    from .model import ConversionError
    from .notes import format_report

    sources = [s for s in source_files() if not args.texts or s.stem in args.texts
               or s.stem.split("-")[0] in args.texts]
    if not sources:
        print(f"edition notes: no text named {', '.join(args.texts)}", file=sys.stderr)
        return 2
    for source in sources:
        try:
            doc = convert(source)
        except ConversionError as err:
            print(f"edition notes: {err}", file=sys.stderr)
            return 1
        notes, interventions = doc.report.get("notes", {}), doc.report.get("interventions", {})
        if args.json:
            print(json.dumps({"text": doc.id, "notes": notes, "interventions": interventions}, ensure_ascii=False))
            continue
        print("\n".join(format_report(doc.id, notes, interventions)))
    return 0


def cmd_serve(args) -> int:
    from waitress import serve

    from viewer import create_app

    app = create_app(warm=True)
    if args.host in ("0.0.0.0", "::", ""):
        if not app.config.get("PUBLIC_BASE_URL"):
            print("Only the trusted hosts are answered (data/edition.toml trusted_hosts): set EDITION_BASE_URL "
                  "or EDITION_TRUSTED_HOSTS to the name readers use.", file=sys.stderr)
    elif args.host not in app.config["TRUSTED_HOSTS"]:
        app.config["TRUSTED_HOSTS"].append(args.host)  # the address it was told to serve on names it
    print(f"Serving the edition on http://{args.host}:{args.port}/ (waitress)", file=sys.stderr)
    # channel_request_lookahead: waitress then notices a client that goes away mid-request and
    # tells the view (waitress.client_disconnected), which stops the upload's validation
    serve(app, host=args.host, port=args.port, threads=args.threads, channel_request_lookahead=5)
    return 0


def cmd_bench(args) -> int:
    from .bench import BENCHMARKS_MD, run

    try:
        scales = [int(x) for x in args.scales.split(",")] if args.scales else None
    except ValueError:
        print(f"edition bench: --scales takes whole numbers, e.g. 1,20,100 (not {args.scales!r})", file=sys.stderr)
        return 2
    parts = set(args.only.split(",")) if args.only else None
    try:
        results = run(quick=args.quick, scales=scales, load_seconds=args.load_seconds,
                      out=Path(args.out) if args.out else BENCHMARKS_MD, parts=parts,
                      log=lambda message: print(message, file=sys.stderr))
    except ValueError as err:
        print(f"edition bench: {err}", file=sys.stderr)
        return 2
    for failure in results["failures"]:
        print(f"edition bench: not measured: {failure}", file=sys.stderr)
    return 1 if results["failures"] else 0


def cmd_export_static(args) -> int:
    from .export_static import ExportError, export_static

    print(f"Exporting the reading edition into {args.dir}/ ...", file=sys.stderr)
    try:
        report = export_static(Path(args.dir))
    except (ExportError, OSError) as err:
        print(f"edition export-static: {err}", file=sys.stderr)
        return 1
    for problem in report.not_found[:20]:
        print(f"  not exported (the app answered with an error): {problem}", file=sys.stderr)
    print(f"Exported {report.summary()}", file=sys.stderr)
    return 1 if report.not_found else 0


def cmd_names(args) -> int:
    """The editors' review queue: capitalised names no register entry claims, and per-text counts."""
    from .build import convert
    from .model import ConversionError
    from .registers import RegisterError

    sources = sources_named("names", args.texts)
    if sources is None:
        return 2
    if args.view == "entries":
        return _names_by_entry(args)
    if args.view == "bodies":
        return _names_unmarked_bodies(args)
    reports = {}
    for source in sources:
        try:
            reports[source.stem] = convert(source).report
        except (ConversionError, RegisterError) as err:
            print(f"edition names: {err}", file=sys.stderr)
            return 1
    if args.view in ("decisions", "homonyms"):
        return _names_decided(args, reports)
    queue: dict[str, dict[str, int]] = {}
    rows = []
    for source in sources:
        report = reports[source.stem].get("entities", {})
        names = report.get("persName", 0) + report.get("placeName", 0) + report.get("orgName", 0)
        rows.append({"text": source.stem, "persName": report.get("persName", 0),
                     "placeName": report.get("placeName", 0), "orgName": report.get("orgName", 0),
                     "with_ref": report.get("with_ref", 0),
                     "share_with_ref": round(report.get("with_ref", 0) / names, 3) if names else 0.0,
                     "persons_with_ref": round(report.get("persons_with_ref", 0) / report["persons"], 4)
                     if report.get("persons") else 0.0,
                     "review_queue": report.get("review_queue_size", 0)})
        for name, count in report.get("review_queue", {}).items():
            queue.setdefault(name, {})[source.stem] = count
    ranked = sorted(queue.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    ranked = [(name, texts) for name, texts in ranked if sum(texts.values()) >= args.min_count]
    if args.json:
        print(json.dumps({"texts": rows, "review_queue": [
            {"name": name, "count": sum(texts.values()), "texts": texts} for name, texts in ranked]},
            ensure_ascii=False, indent=2))
        return 0
    print(f"{'text':<42} {'persName':>8} {'placeName':>9} {'orgName':>7} {'@ref':>6} {'person @ref':>11} "
          f"{'queue':>6}")
    for row in rows:
        print(f"{row['text']:<42} {row['persName']:>8} {row['placeName']:>9} {row['orgName']:>7} "
              f"{row['share_with_ref']:>6.1%} {row['persons_with_ref']:>11.1%} {row['review_queue']:>6}")
    print(f"\nReview queue ({len(ranked)} names seen {args.min_count}+ times; no register entry):")
    for name, texts in ranked[: args.limit]:
        where = ", ".join(f"{t.split('-')[0]} {c}" for t, c in sorted(texts.items()))
        print(f"  {sum(texts.values()):>5}  {name}  ({where})")
    return 0


def _names_decided(args, reports) -> int:
    """Every decision among several entries (`decisions`), or grouped by the form (`homonyms`)."""
    from .identify import DECISIONS_HEADER
    from .review import decision_rows, homonyms

    if args.view == "decisions":
        rows = decision_rows(reports)
        if args.json:
            print(json.dumps([dict(zip(DECISIONS_HEADER.split("\t"), r)) for r in rows], ensure_ascii=False, indent=1))
            return 0
        print(DECISIONS_HEADER)
        for row in rows:
            print("\t".join(row))
        return 0
    grouped = homonyms(reports)[: args.limit]
    if args.json:
        print(json.dumps({form: [dict(zip(DECISIONS_HEADER.split("\t"), r)) for r in rows] for form, rows in grouped},
                         ensure_ascii=False, indent=1))
        return 0
    for form, rows in grouped:
        print(f"\n{form}  ({len(rows)} mentions; entries: {', '.join(sorted({r[2] for r in rows}))})")
        for passage, _form, entry, cert, evidence, _rejected, context in rows:
            print(f"  {passage:<24} -> {entry:<22} {cert:<6} {evidence}\n      {context}")
    return 0


def _names_by_entry(args) -> int:
    """Each register entry with its mentions in the built texts, in context, with their certainty."""
    from .review import mentions_by_entry

    found = mentions_by_entry(Path(args.tei), args.entry)
    ranked = sorted(found.items(), key=lambda item: (-len(item[1]), item[0]))[: args.limit]
    if args.json:
        print(json.dumps({entry: [{"passage": p, "cert": c, "context": x} for p, c, x in mentions]
                          for entry, mentions in ranked}, ensure_ascii=False, indent=1))
        return 0
    for entry, mentions in ranked:
        certs = {c: sum(1 for _, x, _ in mentions if x == c) for c in ("exact", "high", "medium")}
        print(f"\n{entry}  ({len(mentions)} mentions: " + ", ".join(f"{n} {c}" for c, n in certs.items() if n) + ")")
        for passage, cert, context in mentions:
            print(f"  {passage:<24} {cert:<6} {context}")
    return 0


def _names_unmarked_bodies(args) -> int:
    """Bodies the texts name that no orgName marks (the organisations register's gaps), by frequency."""
    from .unmarked_bodies import unmarked_bodies

    found = [f for f in unmarked_bodies(Path(args.tei)) if f.count >= args.min_count]
    if args.json:
        print(json.dumps([{"name": f.name, "count": f.count, "texts": dict(f.texts), "example": f.example}
                          for f in found], ensure_ascii=False, indent=1))
        return 0
    print(f"Unmarked bodies: {sum(f.count for f in found)} mentions of {len(found)} names")
    for f in found[: args.limit]:
        where = ", ".join(f"{t.split('-')[0]} {c}" for t, c in sorted(f.texts.items()))
        print(f"  {f.count:>5}  {f.name}  ({where})\n         {f.example}")
    return 0


def cmd_ocr_candidates(args) -> int:
    """Forms that may be misreadings, for a person to decide; decided forms are left out."""
    from .build import source_files
    from .corrections import CORRECTIONS, load_corrections, load_kept, ocr_candidates
    from .model import ConversionError

    chosen = sources_named("ocr-candidates", args.texts)
    if chosen is None:
        return 2
    # a form is rare or frequent in the whole corpus, whichever texts are asked for
    corpus = [s.read_text(encoding="utf-8") for s in source_files()]
    for source in chosen:
        data = CORRECTIONS / f"{source.stem}.toml"
        try:
            decided = ({c.sic for c in load_corrections(data)} | set(load_kept(data))) if data.exists() else set()
        except ConversionError as err:
            print(f"edition ocr-candidates: {err}", file=sys.stderr)
            return 1
        found = ocr_candidates(source.read_text(encoding="utf-8"), corpus, decided)
        print(f"{source.stem}: {len(found)} candidates ({len(decided)} forms decided in {data.name})")
        for c in found[:args.limit]:
            print(f"  {c.lines[0]:>5}  {c.form} ({c.count}) -> {c.suggestion} ({c.suggestion_count})  [{c.kind}]")
    _print_register_variants(chosen)
    return 0


def _print_register_variants(chosen) -> None:
    """What the registers absorb: variants within two letters of their entry's name that
    a text uses, each to be corrected or kept in that text's corrections file."""
    from .build import source_files
    from .variants import decisions, screen

    names = {s.stem for s in chosen}
    variants = [v for v in screen(source_files(), decisions()) if set(v.used_in) & names]
    open_ = [v for v in variants if not v.decided]
    print(f"register variants within two letters of their entry's name, used in these texts: "
          f"{len(variants)}, {len(open_)} undecided")
    for v in variants:
        where = ", ".join(f"{name.split('-')[0]} {n}" for name, n in v.used_in.items())
        print(f"  {'  ' if v.decided else '? '}{v.form} -> {v.preferred} ({v.entry}; {where})"
              + (f"  [{v.decided}]" if v.decided else ""))


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="edition", description="A TEI edition of five texts on Stalin and Stalinism.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="convert sources/ into tei/")
    p.add_argument("--out", default=str(TEI_DIR), help="output folder (default: tei/)")
    p.add_argument("--jobs", type=int, default=None, help="parallel processes (default: one per core)")
    p.add_argument("--sources", default=None, help="folder of sources and profiles (default: sources/)")
    p.add_argument("--force", action="store_true",
                   help="overwrite files in the output folder changed since the last build (hand edits are lost)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="validate TEI files (default: the whole edition)")
    p.add_argument("paths", nargs="*")
    p.add_argument("--json", action="store_true", help="print the problems as JSON")
    p.add_argument("--tei-all", action="store_true",
                   help="also validate against the official tei_all schema (slow: ~10 s to load)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("fidelity", help="compare the words of each source with its TEI")
    p.add_argument("texts", nargs="*", help="text ids (default: all)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_fidelity)

    p = sub.add_parser("detectors", help="classes of damage in the built texts (fragments, residue, dashes...)")
    p.add_argument("texts", nargs="*", help="source names (default: all)")
    p.add_argument("--tei", default=str(TEI_DIR), help="the folder of built TEI files")
    p.set_defaults(func=cmd_detectors)

    p = sub.add_parser("joins", help="a seeded sample of the page-break joins of each text, to read by eye")
    p.add_argument("texts", nargs="*", help="source names (default: all)")
    p.add_argument("--sample", type=int, default=20, help="joins per text (default: 20)")
    p.add_argument("--seed", type=int, default=2026, help="random seed, so a sample can be read again")
    p.add_argument("--width", type=int, default=80, help="characters shown either side")
    p.set_defaults(func=cmd_joins)

    p = sub.add_parser("notes", help="the notes report per text: references, bodies, links, faults, interventions")
    p.add_argument("texts", nargs="*", help="text ids or keys (default: all)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_notes)

    p = sub.add_parser("serve", help="serve the reading edition (waitress)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--threads", type=int, default=8)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("bench", help="measure build, validation, pages, search, export, load, scale")
    p.add_argument("--quick", action="store_true", help="fewer repeats, a 5 s load run, scales 1,20")
    p.add_argument("--scales", default=None, help="synthetic corpus sizes, e.g. 1,20,100")
    p.add_argument("--load-seconds", type=float, default=None, help="length of the load run (default 30)")
    p.add_argument("--only", default=None, help="parts to run: build,validation,server,transfer,export,static_search,load,scale,converter,siege")
    p.add_argument("--out", default=None, help="where to write the report (default docs/benchmarks.md)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("export-static", help="write the reading edition as static files into DIR")
    p.add_argument("dir", help="output folder (replaced atomically)")
    p.set_defaults(func=cmd_export_static)
    p = sub.add_parser("names", help="the review queue of names no register entry claims, and per-text counts")
    p.add_argument("texts", nargs="*", help="text ids (default: all)")
    p.add_argument("--limit", type=int, default=100, help="names to print (default 100)")
    p.add_argument("--min-count", type=int, default=1, help="only names seen this often")
    p.add_argument("--view", choices=("queue", "decisions", "homonyms", "entries", "bodies"), default="queue",
                   help="queue: names no entry claims and undecided ones (default); decisions: every decision "
                        "among several entries; homonyms: forms several entries claim, each mention with its "
                        "decision; entries: register entries with their mentions in context; bodies: bodies "
                        "the texts name that no orgName marks")
    p.add_argument("--entry", help="with --view entries: only this register entry")
    p.add_argument("--tei", default=str(TEI_DIR), help="with --view entries or bodies: the built edition (default tei/)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_names)
    p = sub.add_parser("ocr-candidates", help="forms that may be OCR misreadings, for data/corrections/NAME.toml")
    p.add_argument("texts", nargs="*", help="text ids (default: all)")
    p.add_argument("--limit", type=int, default=1000, help="candidates to print per text (default 1000)")
    p.set_defaults(func=cmd_ocr_candidates)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print(f"edition {args.command}: interrupted; nothing half-written was left behind", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader stopped reading (`edition names | head`): no error of ours; quiet, as other Unix tools
        sys.stderr.close()
        return 0
    except Exception as err:
        # a bug must still read as a message; EDITION_DEBUG=1 shows where it came from
        if os.environ.get("EDITION_DEBUG"):
            raise
        print(f"edition {args.command}: internal error: {type(err).__name__}: {err} "
              "(set EDITION_DEBUG=1 for the traceback)", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
