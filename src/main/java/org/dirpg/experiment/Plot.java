package org.dirpg.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line plots written as PNG with XChart. */
public final class Plot {
    private final XYChart chart;

    public Plot(String title, String xLabel, String yLabel) {
        chart = new XYChartBuilder().width(800).height(520).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setMarkerSize(4);
    }

    /** Adds a named series. */
    public Plot series(String name, double[] x, double[] y) {
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
        return this;
    }

    public Plot series(String name, List<Double> x, List<Double> y) {
        return series(name, x.stream().mapToDouble(Double::doubleValue).toArray(), y.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Writes the PNG. */
    public void save(Path png) {
        try {
            if (png.getParent() != null) {
                Files.createDirectories(png.getParent());
            }
            String name = png.toString();
            String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
            BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plot " + png + ": " + e.getMessage(), e);
        }
    }
}
