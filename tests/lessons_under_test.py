"""The lesson modules, imported once for tests that call their functions directly."""

from course.lessons import lesson1, lesson2, lesson3, lesson4  # noqa: F401
