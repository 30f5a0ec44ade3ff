package org.dirpg.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grid PNG with fewer plots than cells (the suite's 4 environments in 2 x 3 panels crashed XChart; its empty cells
 * then showed bare axes), and colours fixed per series name across panels.
 */
class PlotGridTest {
    private static List<Plot> plots(int n) {
        List<Plot> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Plot p = new Plot("panel " + i, "x", "y", 200, 150);
            p.series("s", new double[] {0, 1}, new double[] {i, i + 1});
            out.add(p);
        }
        return out;
    }

    @Test
    void aPartlyFilledGridIsWrittenWithEveryCell(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("grid.png");
        Plot.saveGrid(plots(4), 2, 3, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(3 * 200, image.getWidth());
        assertEquals(2 * 150, image.getHeight());
    }

    @Test
    void theCellsBeyondThePlotsAreBlank(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("grid.png");
        Plot.saveGrid(plots(4), 2, 3, png);
        BufferedImage image = ImageIO.read(png.toFile());
        for (int cell = 4; cell < 6; cell++) {
            int x0 = (cell % 3) * 200;
            int y0 = (cell / 3) * 150;
            int background = image.getRGB(x0, y0);
            for (int y = y0; y < y0 + 150; y++) {
                for (int x = x0; x < x0 + 200; x++) {
                    assertEquals(background, image.getRGB(x, y), "cell " + cell + " draws at (" + x + ", " + y + ")");
                }
            }
        }
    }

    @Test
    void aSeriesTakesThePaletteColourItIsGiven(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("one.png");
        new Plot("p", "x", "y", 300, 200).colour(2).series("s", new double[] {0, 1, 2}, new double[] {0, 1, 0},
                new double[] {-0.5, 0.5, -0.5}, new double[] {0.5, 1.5, 0.5}, null).save(png);
        BufferedImage image = ImageIO.read(png.toFile());
        int green = 0;
        int blue = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                green += rgb == 0x2ca02c ? 1 : 0; // the palette's third colour
                blue += rgb == 0x1f77b4 ? 1 : 0;  // its first, which the series would take by default
            }
        }
        assertTrue(green > 10 && blue == 0, "pixels of the given colour " + green + ", of the default " + blue);
        assertThrows(IllegalArgumentException.class, () -> new Plot("p", "x", "y").colour(-1));
    }

    @Test
    void morePlotsThanCellsIsAnErrorNamingBoth(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plot.saveGrid(plots(5), 2, 2, dir.resolve("grid.png")));
        assertTrue(e.getMessage().contains("5 plots") && e.getMessage().contains("2 x 2"), e.getMessage());
    }
}
