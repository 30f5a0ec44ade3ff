package org.dirpg.experiment;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line plots written as PNG with XChart: one quantity per chart, optional shaded bands (the spread over runs or
 * seeds), an optional logarithmic x axis, and several charts side by side in one image.
 */
public final class Plot {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0x17becf), new Color(0xe377c2),
        new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x000080), new Color(0x800000), new Color(0x008080),
        new Color(0xffb000)};
    /** Beyond this many legend entries the legend becomes a column right of the chart instead of a row below. */
    private static final int LEGEND_ROW_LIMIT = 6;
    private final XYChart chart;
    private int colours;

    public Plot(String title, String xLabel, String yLabel) {
        this(title, xLabel, yLabel, 800, 520);
    }

    public Plot(String title, String xLabel, String yLabel, int width, int height) {
        chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setMarkerSize(4);
        chart.getStyler().setAntiAlias(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    }

    /** Adds a named line with markers; points with a NaN or infinite coordinate are left out. */
    public Plot series(String name, double[] x, double[] y) {
        Color c = nextColour();
        double[][] kept = finite(x, y);
        if (kept[0].length == 0) {
            return this;
        }
        XYSeries s = chart.addSeries(name, kept[0], kept[1]);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineColor(c);
        s.setMarkerColor(c);
        return this;
    }

    public Plot series(String name, List<Double> x, List<Double> y) {
        return series(name, x.stream().mapToDouble(Double::doubleValue).toArray(), y.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * A line with a translucent band from {@code lo} to {@code hi} in the same colour, named {@code bandName} in the
     * legend (e.g. "min-max over 4 seeds"), or left out of the legend when {@code bandName} is null (say what the band
     * is in an axis title then).
     */
    public Plot series(String name, double[] x, double[] y, double[] lo, double[] hi, String bandName) {
        Color c = PALETTE[colours % PALETTE.length];
        double[][] kept = finite(x, lo, hi);
        int n = kept[0].length;
        if (n == 0) {
            return series(name, x, y);
        }
        double[] px = new double[2 * n];
        double[] py = new double[2 * n];
        for (int i = 0; i < n; i++) {
            px[i] = kept[0][i];
            py[i] = kept[2][i];
            px[2 * n - 1 - i] = kept[0][i];
            py[2 * n - 1 - i] = kept[1][i];
        }
        XYSeries band = chart.addSeries(name + ": " + (bandName == null ? "band" : bandName), px, py);
        band.setShowInLegend(bandName != null);
        band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        band.setMarker(SeriesMarkers.NONE);
        band.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 60));
        band.setLineColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 0));
        return series(name, x, y);
    }

    /**
     * Gives the next series the palette's colour {@code index}, so that one name keeps one colour across the panels
     * of a grid even where some panels lack some series.
     */
    public Plot colour(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("a palette index is at least 0, got " + index);
        }
        colours = index;
        return this;
    }

    /** A dashed black line without markers, for a reference level (e.g. the best achievable value). */
    public Plot reference(String name, double[] x, double[] y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(Color.BLACK);
        s.setLineStyle(SeriesLines.DASH_DASH);
        return this;
    }

    /** A logarithmic x axis. */
    public Plot logX() {
        chart.getStyler().setXAxisLogarithmic(true);
        return this;
    }

    /** Fixes the x range (on a log axis, to whole decades so that the axis carries labels). */
    public Plot xRange(double min, double max) {
        chart.getStyler().setXAxisMin(min);
        chart.getStyler().setXAxisMax(max);
        return this;
    }

    /** Fixes the y range (for probabilities: 0 to 1, so that nothing is truncated and panels compare). */
    public Plot yRange(double min, double max) {
        chart.getStyler().setYAxisMin(min);
        chart.getStyler().setYAxisMax(max);
        return this;
    }

    /** Lets the y axis start at {@code min} (e.g. 0 for non-negative quantities) and end where the data end. */
    public Plot yFrom(double min) {
        chart.getStyler().setYAxisMin(min);
        return this;
    }

    /** The columns restricted to the rows where every column is finite. */
    private static double[][] finite(double[]... columns) {
        int n = columns[0].length;
        int kept = 0;
        boolean[] keep = new boolean[n];
        for (int i = 0; i < n; i++) {
            keep[i] = true;
            for (double[] c : columns) {
                keep[i] &= Double.isFinite(c[i]);
            }
            kept += keep[i] ? 1 : 0;
        }
        double[][] out = new double[columns.length][kept];
        for (int j = 0; j < columns.length; j++) {
            for (int i = 0, k = 0; i < n; i++) {
                if (keep[i]) {
                    out[j][k++] = columns[j][i];
                }
            }
        }
        return out;
    }

    private Color nextColour() {
        return PALETTE[colours++ % PALETTE.length];
    }

    /** Writes the PNG. */
    public void save(Path png) {
        long entries = chart.getSeriesMap().values().stream().filter(XYSeries::isShowInLegend).count();
        if (entries > LEGEND_ROW_LIMIT) {
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        }
        try {
            BitmapEncoder.saveBitmap(chart, base(png), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plot " + png + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes several plots as one PNG, in {@code rows} x {@code cols} panels filled row by row; cells beyond the
     * plots stay blank.
     */
    public static void saveGrid(List<Plot> plots, int rows, int cols, Path png) {
        if (plots.isEmpty() || plots.size() > rows * cols) {
            throw new IllegalArgumentException(plots.size() + " plots do not fit a grid of " + rows + " x " + cols);
        }
        try {
            List<XYChart> charts = new java.util.ArrayList<>(plots.stream().map(p -> p.chart).toList());
            XYChart first = charts.get(0);
            while (charts.size() < rows * cols) { // XChart wants a chart in every cell: the rest stay blank
                charts.add(blank(first.getWidth(), first.getHeight()));
            }
            BitmapEncoder.saveBitmap(charts, rows, cols, base(png), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plot " + png + ": " + e.getMessage(), e);
        }
    }

    /** A chart that draws nothing but the background: no axes, ticks, grid, border or legend. */
    private static XYChart blank(int width, int height) {
        XYChart c = new XYChartBuilder().width(width).height(height).build();
        org.knowm.xchart.style.XYStyler st = c.getStyler();
        st.setLegendVisible(false);
        st.setPlotBorderVisible(false);
        st.setPlotGridLinesVisible(false);
        st.setPlotBackgroundColor(st.getChartBackgroundColor());
        st.setXAxisTicksVisible(false);
        st.setYAxisTicksVisible(false);
        st.setXAxisTitleVisible(false);
        st.setYAxisTitleVisible(false);
        return c;
    }

    private static String base(Path png) throws IOException {
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        String name = png.toString();
        return name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
    }
}
