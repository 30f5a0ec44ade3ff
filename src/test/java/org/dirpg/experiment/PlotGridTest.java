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

/** A grid PNG with fewer plots than cells (the suite's 4 environments in 2 x 3 panels crashed XChart). */
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
    void morePlotsThanCellsIsAnErrorNamingBoth(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plot.saveGrid(plots(5), 2, 2, dir.resolve("grid.png")));
        assertTrue(e.getMessage().contains("5 plots") && e.getMessage().contains("2 x 2"), e.getMessage());
    }
}
