"""Moved to ``autograder.intake`` (one intake for every front end); kept so older imports still work."""
from ..intake.classes import (MAX_NESTED_ZIP_BYTES, RESERVED_NAMES, Intake, assign_names,  # noqa: F401
                              find_submissions, read_learner, safe_name)
from ..intake.entries import MAX_ARCHIVE_BYTES, MAX_ARCHIVE_ENTRIES, unsafe_entry_name  # noqa: F401
from ..intake.modules import MAX_MODULE_BYTES  # noqa: F401
from ..intake.submission import MODULE_FILES, InstructorError, Submission  # noqa: F401
