"""The lesson modules, imported once for tests that call their functions directly."""

from course.lessons import lesson1, lesson2  # noqa: F401
