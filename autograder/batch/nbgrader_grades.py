"""Grade an nbgrader course with the isolated grader and write the grades into nbgrader's gradebook.

``nbgrader autograde`` runs each learner's notebook in a kernel and the test cells
in that same kernel, so learner code can change what the test cells report (replace
a function of the grading helper, write ``gradebook.db`` from a process that
outlives the kernel). Here the submitted notebooks are only *read*:

1. ``course_intake``: ``submitted/<student>/<assignment>/`` is one learner named by
   their nbgrader student id; intake turns the notebooks into modules by the
   notebook's own rules (``notebook_source``) and nothing of the learner runs here;
2. ``rnn-grade batch`` grades them (public and hidden checks, isolated workers);
3. ``write_grades``: nbgrader's own API (``nbgrader.api.Gradebook``) records, per
   graded cell of the assignment (as ``nbgrader generate_assignment`` registered
   them from the source notebooks), the points of the check that cell runs: a
   test cell's ``grade_id`` is ``nbgrader_ids.grade_id(check name)``, the same
   fields ``nbgrader autograde`` sets (``auto_score``, ``needs_manual_grade``);
4. ``write_autograded``: ``autograded/<student>/<assignment>/<notebook>.ipynb``, the
   released notebook with the learner's graded code and each test cell's outcome
   as its output, so ``nbgrader generate_feedback`` and formgrader show them.

Only the grader process writes the gradebook, after grading; learner code never
runs in a process that can reach it (under bubblewrap it cannot even see it).
"""
import datetime
from pathlib import Path

from ..exercises import MODULES
from ..nbgrader_ids import grade_id
from ..notebook_source import cell_tag, code_cells, tag_of
from ..intake import InstructorError, Intake, assign_names, read_learner


def course_assignment(course, assignment):
    """(gradebook url, exercise modules of ``assignment``), checked against the course's gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    course = Path(course)
    database = course / "gradebook.db"
    if not database.is_file():
        raise InstructorError(f"{database} does not exist: run `nbgrader generate_assignment {assignment}` in "
                              f"{course} first")
    url = f"sqlite:///{database}"
    with Gradebook(url) as gradebook:
        try:
            notebooks = [notebook.name for notebook in gradebook.find_assignment(assignment).notebooks]
        except MissingEntry:
            raise InstructorError(f"the gradebook of {course} has no assignment {assignment!r}: run "
                                  f"`nbgrader generate_assignment {assignment}` first") from None
    exercises = [name for name in MODULES if name in notebooks]
    if not exercises:
        raise InstructorError(f"assignment {assignment!r} holds no notebook of the kit's exercises ({notebooks})")
    return url, exercises


def course_intake(course, assignment, exercises):
    """Every ``submitted/<student>/<assignment>/`` folder as a learner named by the student id."""
    submitted = Path(course) / "submitted"
    if not submitted.is_dir():
        raise InstructorError(f"{submitted} does not exist: collect the learners' notebooks first "
                              f"(`nbgrader collect`, or by hand into submitted/<student>/{assignment}/)")
    learners, ids = [], {}
    for student in sorted(p for p in submitted.iterdir() if p.is_dir() and not p.name.startswith(".")):
        folder = student / assignment
        if folder.is_dir():
            # The intake every front end uses; nbgrader's student id is the name people read and the id.
            learner = read_learner(folder, exercises, name=student.name)
            learner.platform, learner.platform_id = "nbgrader", student.name
            stamp = _timestamp(folder)
            learner.arrived = stamp.isoformat() if stamp else learner.arrived
            learners.append(learner)
    intake = Intake(assign_names(learners))
    for learner in intake.submissions:
        # Results carry the label (unique after assign_names); nbgrader knows the student id.
        ids[learner.label] = learner.platform_id
    return intake, ids


def write_grades(url, assignment, results, ids, course):
    """Record every learner's points per graded cell; returns sentences for the instructor."""
    from nbgrader.api import Gradebook

    lines = []
    with Gradebook(url) as gradebook:
        notebooks = gradebook.find_assignment(assignment).notebooks
        for result in results:
            student = ids[result.student]
            gradebook.update_or_create_student(student)
            stamp = _timestamp(Path(course) / "submitted" / student / assignment)
            submission = gradebook.update_or_create_submission(assignment, student,
                                                               **({"timestamp": stamp} if stamp else {}))
            by_cell = {grade_id(check.name): check for check in result.checks}
            broken = {check.exercise for check in result.checks if check.status == "grader_error"}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    check = by_cell.get(grade.name)
                    if check is None or check.exercise in broken or "?" in broken:
                        # Not ours (a manually graded cell), or the grader failed: never a silent zero.
                        if check is not None:
                            grade.auto_score, grade.needs_manual_grade = None, True
                        continue
                    grade.auto_score = float(check.points)
                    grade.needs_manual_grade = grade.manual_score is not None
            gradebook.db.commit()
            if broken:
                lines.append(f"{student}: the grader failed on {', '.join(sorted(broken))}; those cells are left "
                             f"for manual grading in the gradebook")
        lines.insert(0, f"Wrote the grades of {len(results)} learners into {url[len('sqlite:///'):]} "
                        f"({len(notebooks)} notebooks of assignment {assignment!r})")
    return lines


def _timestamp(folder):
    try:
        text = (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    try:
        from nbgrader.utils import parse_utc

        return parse_utc(text) if text else None
    except (ValueError, OverflowError):
        return None


def write_autograded(course, assignment, results, ids):
    """The notebooks ``nbgrader generate_feedback`` reads: released cells, graded code, our outcomes."""
    import nbformat

    course = Path(course)
    release = course / "release" / assignment
    if not release.is_dir():
        return [f"{release} does not exist, so no autograded notebooks were written (generate_feedback needs "
                f"them): run `nbgrader generate_assignment {assignment}` in {course}"]
    for result in results:
        student = ids[result.student]
        by_cell = {grade_id(check.name): check for check in result.checks}
        for released in sorted(release.glob("*.ipynb")):
            module = released.stem
            nb = nbformat.read(released, as_version=4)
            graded = _graded_parts(course / "submitted" / student / assignment / released.name, module)
            for cell in nb.cells:
                match = tag_of(cell.source) if cell.cell_type == "code" else None
                if match and int(match["part"]) in graded:
                    cell.source = graded[int(match["part"])]
                meta = cell.metadata.get("nbgrader", {})
                check = by_cell.get(meta.get("grade_id")) if meta.get("grade") else None
                if check is not None:
                    cell.outputs = [_outcome(check)]
            target = course / "autograded" / student / assignment / released.name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target)
        (course / "autograded" / student / assignment / "timestamp.txt").write_text(
            datetime.datetime.now(datetime.timezone.utc).isoformat(), encoding="utf-8")
    return []


def _graded_parts(path, module):
    """{part: source} of the tagged cells of the learner's notebook (what was graded), or {}."""
    try:
        sources = code_cells(path.read_bytes())
    except (OSError, ValueError):
        return {}
    parts = {}
    for source in sources:
        match = tag_of(source)
        if match and match["module"] == module:
            body = source.lstrip("\n").split("\n", 1)
            parts[int(match["part"])] = cell_tag(module, int(match["part"]), int(match["count"])) + "\n" + \
                (body[1] if len(body) > 1 else "")
    return parts


def _outcome(check):
    import nbformat

    points = f"{check.points:g}/{check.max_points:g} points"
    if check.status == "passed":
        return nbformat.v4.new_output("stream", name="stdout", text=f"passed: {check.title} ({points})\n")
    return nbformat.v4.new_output("error", ename="AssertionError", evalue=f"{check.name} ({points})",
                                  traceback=[f"{check.name} ({points}): {check.title}"] +
                                  (check.feedback or check.status).splitlines())
