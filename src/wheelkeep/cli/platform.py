"""``wheelkeep coverage``, ``wheelkeep profile`` and ``wheelkeep check``."""

from pathlib import Path
from typing import Annotated

import typer

from wheelkeep.cli import context
from wheelkeep.cli.output import aligned, emit
from wheelkeep.cli.packages import OPERATOR, JsonOption, ProjectOption
from wheelkeep.domain.checks import CheckReport
from wheelkeep.domain.coverage import Coverage
from wheelkeep.domain.installs import Choice
from wheelkeep.domain.platforms import Platform
from wheelkeep.domain.profiles import Implementation, Profile
from wheelkeep.services.checks import check_lock_text
from wheelkeep.services.coverage import ReleaseCoverage, release_coverage
from wheelkeep.services.profiles import add_profile, list_profiles, remove_profile
from wheelkeep.services.projects import DEFAULT_PROJECT_ID, find_project

profiles_app = typer.Typer(
    help="Environment profiles: the machines releases must install on.",
    no_args_is_help=True,
)

AllowSdistOption = Annotated[
    bool,
    typer.Option("--allow-sdist", help="Count a source distribution as installable."),
]


def coverage(
    package: str,
    version: str,
    project: ProjectOption = str(DEFAULT_PROJECT_ID),
    profiles: Annotated[
        bool, typer.Option("--profiles", help="Also say what each profile installs.")
    ] = False,
    allow_sdist: AllowSdistOption = False,
    as_json: JsonOption = False,
) -> None:
    """Show which interpreters and platforms a release's wheels serve."""
    with context.opened() as registry, registry.session() as session:
        project_id = find_project(session, project).id
        result = release_coverage(
            session,
            project_id,
            package,
            version,
            list_profiles(session) if profiles or as_json else [],
            allow_sdist=allow_sdist,
        )
    emit(result.as_dict(), as_json=as_json)
    if not as_json:
        typer.echo(render_coverage(result))


def render_coverage(result: ReleaseCoverage) -> str:
    """The coverage as text: matrix, platform facts, file legend, profiles."""
    sections = [
        f"{result.package} {result.version}",
        *_matrix_section(result.coverage),
    ]
    if result.choices:
        sections.append(_profiles_section(result.choices))
    return "\n\n".join(sections)


def _matrix_section(coverage: Coverage) -> list[str]:
    numbers = {file.filename: str(i) for i, file in enumerate(coverage.wheels, 1)}
    legend = [[numbers[file.filename], file.filename] for file in coverage.wheels]
    legend += [["sdist", file.filename] for file in coverage.sdists]
    if not coverage.wheels:
        return ["no wheels", "\n".join(aligned(legend))]
    header = ["interpreter", "abi", *(p.tag for p in coverage.platforms)]
    rows = [header]
    for python in coverage.pythons:
        cells = [
            ",".join(
                numbers[name]
                for name in coverage.cells.get((python.label, platform.tag), [])
            )
            or "."
            for platform in coverage.platforms
        ]
        rows.append([python.interpreter, python.abi, *cells])
    facts = [["platform", "os", "arch", "requires"]]
    facts += [_platform_row(platform) for platform in coverage.platforms]
    return [
        "\n".join(aligned(rows)),
        "\n".join(aligned(facts)),
        "\n".join(aligned(legend)),
    ]


def _platform_row(platform: Platform) -> list[str]:
    if platform.libc is not None:
        requires = f"{platform.libc.value} {platform.min_version_text}"
    elif platform.min_version_text is not None:
        requires = f"{platform.os.value} {platform.min_version_text}"
    else:
        requires = "."
    return [platform.tag, platform.os.value, platform.arch or ".", requires]


def _profiles_section(choices: list[Choice]) -> str:
    rows = [["profile", "python", "installs"]]
    for choice in choices:
        installs = choice.filename or f"nothing: {choice.reason}"
        rows.append([choice.profile.name, choice.profile.describes, installs])
    return "\n".join(aligned(rows))


# wheelkeep profile


@profiles_app.command("add")
def profile_add(
    name: str,
    python: Annotated[
        str, typer.Option("--python", help="Python version: 3.10, or 3.10.12.")
    ],
    platform: Annotated[
        list[str],
        typer.Option(
            "--platform",
            help="A platform tag such as manylinux_2_35_aarch64; repeat for more.",
        ),
    ],
    implementation: Annotated[
        Implementation, typer.Option(help="Python implementation.")
    ] = Implementation.CPYTHON,
    as_json: JsonOption = False,
) -> None:
    """Add a profile; lower glibc, musl or macOS levels come with the ones given."""
    profile = Profile.create(name, python, platform, implementation)
    with context.opened() as registry:
        add_profile(registry, OPERATOR, profile)
    emit(
        profile.as_dict(),
        as_json=as_json,
        text=f"Added profile {profile.name} ({profile.describes}, "
        f"{', '.join(profile.platforms)}).",
    )


@profiles_app.command("list")
def profile_list(as_json: JsonOption = False) -> None:
    """List the profiles."""
    with context.opened() as registry, registry.session() as session:
        profiles = list_profiles(session)
    emit([profile.as_dict() for profile in profiles], as_json=as_json)
    if not as_json:
        rows = [["name", "python", "platforms"]]
        rows += [[p.name, p.describes, ", ".join(p.platforms)] for p in profiles]
        typer.echo("\n".join(aligned(rows)) if profiles else "No profiles.")


@profiles_app.command("remove")
def profile_remove(name: str, as_json: JsonOption = False) -> None:
    """Remove a profile."""
    with context.opened() as registry:
        remove_profile(registry, OPERATOR, name)
    emit({"removed": name}, as_json=as_json, text=f"Removed profile {name}.")


# wheelkeep check


def check(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="uv.lock, pylock.toml or requirements."
        ),
    ],
    project: ProjectOption = str(DEFAULT_PROJECT_ID),
    profile: Annotated[
        list[str] | None,
        typer.Option("--profile", help="Profile to check for; repeat. Default: all."),
    ] = None,
    allow_sdist: AllowSdistOption = False,
    as_json: JsonOption = False,
) -> None:
    """Check that a lock installs from this registry on every profile.

    Exits with 1 when anything would fail: a pinned release or file the
    registry lacks, a hash that differs from what it serves, or a package
    with no file for a profile.
    """
    text = file.read_text(encoding="utf-8")
    with context.opened() as registry, registry.session() as session:
        project_id = find_project(session, project).id
        report = check_lock_text(
            session,
            project_id,
            file.name,
            text,
            profile or [],
            allow_sdist=allow_sdist,
        )
    emit(report.as_dict(), as_json=as_json)
    if not as_json:
        typer.echo(render_report(report, file.name, project))
    if not report.ok:
        raise typer.Exit(code=1)


def render_report(report: CheckReport, filename: str, project: str) -> str:
    lines = [f"{filename} ({report.lock_format}) against project {project}"]
    lines += [f"note: {note}" for note in report.notes]
    for name in report.profiles:
        findings = [f for f in report.findings if f.profile == name]
        checked = report.checked.get(name)
        counted = f"{checked} packages" if checked is not None else "not checked"
        if not findings:
            lines.append(f"ok    {name}: {counted}")
            continue
        lines.append(f"FAIL  {name}: {len(findings)} problems, {counted}")
        for finding in findings:
            subject = f"{finding.package} {finding.version} " if finding.package else ""
            lines.append(f"      {subject}[{finding.kind.value}] {finding.message}")
    return "\n".join(lines)
