"""The house figure style: every chapter figure stays legible when a phone shrinks it to the column.

The browser test measures text size from an image's natural and displayed widths and the size the
style sets (`plotting.TEXT_PT`); that only holds if no figure sets a smaller size of its own, which
these tests check on every chapter's smoke figures.
"""

import io

import numpy as np
import pytest
from matplotlib.text import Text
from PIL import Image

from atoms import page, plotting
from atoms.experiment import every_experiment
from conftest import smoke_result

CLASSES = every_experiment()


def png_of(fig) -> Image.Image:
    return Image.open(io.BytesIO(page.image(fig).data))


def test_text_size_is_legible_on_a_narrow_screen():
    natural = plotting.WIDTH * plotting.DPI
    assert plotting.narrow_text_px(natural) >= plotting.MIN_TEXT_PX + 0.5, "no room for labels outside the axes"


def test_figures_are_opaque_white():
    fig, axes = plotting.figure(1, 2)
    axes[0, 0].plot([0, 1], [0, 1])
    pixels = np.asarray(png_of(fig).convert("RGBA"))
    assert (pixels[..., 3] == 255).all(), "a transparent figure turns unreadable on a dark page"
    assert tuple(pixels[0, 0, :3]) == (255, 255, 255)


def test_log_ticks_label_a_range_under_a_decade():
    fig, ((ax,),) = plotting.figure()
    ax.plot([1, 2, 3], [0.03, 0.1, 0.25])
    ax.set_yscale("log")
    plotting.log_ticks(ax)
    fig.canvas.draw()
    low, high = ax.get_ylim()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text() and low <= t.get_position()[1] <= high]
    assert len(labels) >= 3, labels


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.name)
def test_chapter_figures_fit_the_column_with_legible_text(cls):
    for k, fig in enumerate(smoke_result(cls).plot()):
        small = sorted({text.get_text()[:30] for text in fig.findobj(Text)
                        if text.get_visible() and text.get_text().strip() and text.get_fontsize() < plotting.TEXT_PT})
        assert not small, f"figure {k + 1}: text smaller than plotting.TEXT_PT: {small}"
        width = png_of(fig).width
        assert plotting.narrow_text_px(width) >= plotting.MIN_TEXT_PX, (
            f"figure {k + 1} is {width} px wide: something sticks out past plotting.WIDTH and shrinks its text")
