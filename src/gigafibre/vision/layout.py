"""Where things are on a picture: boxes, rows of text, and which lines share a sticker.

Everything is reasoned about in an upright frame: the picture's coordinates turned so that text
runs left to right. The turn comes from the codes when there are some (zxing knows which way
a code reads) or else from the shape of the text boxes, so we never re-run OCR to straighten.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image

Quad = tuple[tuple[float, float], ...]
Mapper = Callable[[float, float], tuple[float, float]]
QUARTER_TURNS = {
    90: Image.Transpose.ROTATE_90,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_270,
}


def untransposed(degrees: int, width: int, height: int) -> Mapper:
    """Map a point of a picture turned counter-clockwise by `degrees` (a quarter turn
    multiple) back to the `width` x `height` picture it was turned from."""
    if degrees == 90:  # (x, y) went to (y, width - x)
        return lambda x, y: (width - y, x)
    if degrees == 180:
        return lambda x, y: (width - x, height - y)
    if degrees == 270:
        return lambda x, y: (y, height - x)
    return lambda x, y: (x, y)


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def around(cls, points: Sequence[tuple[float, float]]) -> Box:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return cls(min(xs), min(ys), max(xs), max(ys))

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def center_y(self) -> float:
        return (self.y0 + self.y1) / 2

    def gaps(self, other: Box) -> tuple[float, float]:
        """Horizontal and vertical space between two boxes (0 where they overlap)."""
        dx = max(0.0, max(self.x0, other.x0) - min(self.x1, other.x1))
        dy = max(0.0, max(self.y0, other.y0) - min(self.y1, other.y1))
        return dx, dy

    def distance(self, other: Box) -> float:
        return math.hypot(*self.gaps(other))


@dataclass(frozen=True)
class TextLine:
    """One box of text found by OCR, with its corners in pixels of the picture."""

    text: str
    score: float
    points: Quad


@dataclass(frozen=True)
class Placed:
    """A line in the upright frame."""

    line: TextLine
    box: Box


def turn_points(points: Quad, degrees: float, center: tuple[float, float]) -> Quad:
    """Turn points counter-clockwise on screen, as PIL's `rotate(degrees)` turns pixels."""
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    cx, cy = center
    return tuple(
        (cx + (x - cx) * cos + (y - cy) * sin, cy - (x - cx) * sin + (y - cy) * cos)
        for x, y in points
    )


def upright_angle(code_orientations: Sequence[int], lines: Sequence[TextLine]) -> float:
    """How far to turn the picture so text reads left to right."""
    if code_orientations:
        quarters = [round(value / 90) % 4 for value in code_orientations]
        quarter = statistics.mode(quarters)
        fine = [
            (value - quarter * 90 + 180) % 360 - 180
            for value, q in zip(code_orientations, quarters, strict=True)
            if q == quarter
        ]
        return quarter * 90 + statistics.median(fine)
    angles: list[float] = []
    for line in lines:
        (x0, y0), (x1, y1), (x2, y2) = line.points[0], line.points[1], line.points[2]
        along = (x1 - x0, y1 - y0) if math.dist((x0, y0), (x1, y1)) >= math.dist(
            (x1, y1), (x2, y2)
        ) else (x2 - x1, y2 - y1)
        angles.append(math.degrees(math.atan2(along[1], along[0])))
    if not angles:
        return 0.0
    # Text directions mod 180: upside down reads the same to the layout rules below.
    folded = [(angle + 90) % 180 - 90 for angle in angles]
    return statistics.median(folded)


def place(lines: Sequence[TextLine], degrees: float, center: tuple[float, float]) -> list[Placed]:
    return [Placed(line, Box.around(turn_points(line.points, degrees, center))) for line in lines]


def typical_height(placed: Sequence[Placed]) -> float:
    heights = [item.box.height for item in placed if item.box.height > 0]
    return statistics.median(heights) if heights else 20.0


def rows(placed: Sequence[Placed]) -> list[list[Placed]]:
    """Lines side by side on the same row, each row left to right, rows top to bottom."""
    found: list[list[Placed]] = []
    for item in sorted(placed, key=lambda item: item.box.center_y):
        for row in found:
            anchor = row[0].box
            tolerance = 0.5 * min(anchor.height, item.box.height)
            if abs(anchor.center_y - item.box.center_y) <= tolerance:
                row.append(item)
                break
        else:
            found.append([item])
    return [sorted(row, key=lambda item: item.box.x0) for row in found]


def clusters(
    placed: Sequence[Placed],
    bridges: Sequence[Box] = (),
    *,
    along: float = 2.2,
    across: float = 7.0,
) -> list[tuple[list[Placed], list[int]]]:
    """Lines close enough to be on one sticker: near on their row, or stacked under each other.

    `bridges` (the codes' boxes) link the lines printed above and below a code; each group
    comes with the indices of the bridges it holds. Stickers side by side are told apart by the
    space between them along the text; stickers stacked one above the other may merge here,
    and `split` separates them afterwards.
    """
    height = typical_height(placed)
    boxes = [item.box for item in placed] + list(bridges)
    parent = list(range(len(boxes)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i, first in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            dx, dy = first.gaps(boxes[j])
            if dx <= along * height and dy <= across * height:
                parent[root(i)] = root(j)
    groups: dict[int, tuple[list[Placed], list[int]]] = {}
    for index in range(len(boxes)):
        lines, codes = groups.setdefault(root(index), ([], []))
        if index < len(placed):
            lines.append(placed[index])
        else:
            codes.append(index - len(placed))
    return list(groups.values())


def split(
    group: list[Placed], count: Callable[[list[Placed]], int]
) -> list[list[Placed]]:
    """Cut a group that holds `count(group)` > 1 stickers, again and again.

    The cut is made between rows (stacked stickers) or columns (side by side): preferably one
    that shares the stickers out exactly (no sticker's keys on both sides), and among those
    the widest gap; failing that, the widest gap that leaves a sticker on each side.
    """
    total = count(group)
    if total <= 1 or len(group) < 2:
        return [group]
    best: tuple[bool, float, list[Placed], list[Placed]] | None = None
    edges: tuple[tuple[Callable[[Placed], float], Callable[[Placed], float]], ...] = (
        (lambda item: item.box.y0, lambda item: item.box.y1),
        (lambda item: item.box.x0, lambda item: item.box.x1),
    )
    for low, high in edges:
        ordered = sorted(group, key=low)
        reach = high(ordered[0])
        for index in range(1, len(ordered)):
            gap = low(ordered[index]) - reach
            reach = max(reach, high(ordered[index]))
            first, second = ordered[:index], ordered[index:]
            if gap <= 0:
                continue
            left, right = count(first), count(second)
            if left and right:
                candidate = (left + right == total, gap, first, second)
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
    if best is None:
        return [group]
    return split(best[2], count) + split(best[3], count)
