package dev.analytics.benchmarks.peers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's charts (JFreeChart, PNG): latency percentiles, emit throughput, end-to-end delivery,
 * heap over time, and an overview with all four that the README shows. Each library keeps one colour
 * in every chart. Inputs are keyed by {@link Library} in the order they should appear.
 */
final class PeerCharts {
  static final String LATENCY = "peers-latency.png";
  static final String EMIT = "peers-emit-throughput.png";
  static final String END_TO_END = "peers-end-to-end.png";
  static final String HEAP = "peers-heap.png";
  static final String OVERVIEW = "peers-overview.png";
  private static final int WIDTH = 900;
  private static final int HEIGHT = 560;

  private PeerCharts() {}

  static Color colour(Library library) {
    return switch (library) {
      case OURS -> new Color(0x1F, 0x6F, 0xEB);
      case OURS_HTTPS -> new Color(0x7F, 0xB2, 0xFF);
      case SEGMENT -> new Color(0x2E, 0xA4, 0x4F);
      case AMPLITUDE -> new Color(0xD9, 0x6C, 0x1C);
    };
  }

  static JFreeChart latency(Map<Library, double[]> microsByPercentile, int rate) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    microsByPercentile.forEach((library, values) -> {
      for (int i = 0; i < Measure.PERCENTILES.length; i++) {
        data.addValue(values[i], library.label, Markdown.percentileKey(Measure.PERCENTILES[i]));
      }
    });
    String title = String.format(java.util.Locale.ROOT, "Per-call latency at a steady %,d calls/s", rate)
        + (microsByPercentile.isEmpty() ? ": every library fell behind on this machine" : "");
    JFreeChart chart = ChartFactory.createLineChart(title,
        "percentile (open loop, from the intended start)", "microseconds (log scale)", data,
        PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    LogAxis axis = new LogAxis("microseconds (log scale)");
    axis.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
    axis.setSmallestValue(0.1);
    axis.setTickUnit(new NumberTickUnit(1.0)); // one tick per power of ten
    plot.setRangeAxis(axis);
    LineAndShapeRenderer renderer = (LineAndShapeRenderer) plot.getRenderer();
    renderer.setDefaultShapesVisible(true);
    renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("#,##0.#")));
    renderer.setDefaultItemLabelsVisible(true);
    int series = 0;
    for (Library library : microsByPercentile.keySet()) {
      renderer.setSeriesPaint(series, colour(library));
      renderer.setSeriesStroke(series++, new BasicStroke(2.5f));
    }
    return style(chart);
  }

  static JFreeChart bars(String title, String valueLabel, Map<Library, Double> values) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    values.forEach((library, value) -> data.addValue(value, library.label, ""));
    JFreeChart chart = ChartFactory.createBarChart(title, "", valueLabel, data, PlotOrientation.VERTICAL, true,
        false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.08);
    renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("#,##0")));
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    int series = 0;
    for (Library library : values.keySet()) renderer.setSeriesPaint(series++, colour(library));
    return style(chart);
  }

  static JFreeChart heap(Map<Library, List<double[]>> samples, int events) {
    XYSeriesCollection data = new XYSeriesCollection();
    samples.forEach((library, points) -> {
      XYSeries series = new XYSeries(library.label);
      for (double[] p : points) series.add(p[0], p[1]);
      data.addSeries(series);
    });
    JFreeChart chart = ChartFactory.createXYLineChart(
        String.format("Heap after GC, endpoint down, %,d events", events), "seconds", "MB", data,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    int series = 0;
    for (Library library : samples.keySet()) {
      renderer.setSeriesPaint(series, colour(library));
      renderer.setSeriesStroke(series++, new BasicStroke(2.5f));
    }
    plot.setRenderer(renderer);
    return style(chart);
  }

  private static JFreeChart style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    chart.getPlot().setBackgroundPaint(new Color(0xF7, 0xF7, 0xF7));
    return chart;
  }

  static void save(JFreeChart chart, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /** The four charts in a 2 x 2 grid: the headline image. */
  static void saveOverview(List<JFreeChart> charts, Path file) throws IOException {
    BufferedImage image = new BufferedImage(2 * WIDTH, 2 * HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      for (int i = 0; i < charts.size() && i < 4; i++) {
        charts.get(i).draw(g, new Rectangle2D.Double((i % 2) * WIDTH, (i / 2) * HEIGHT, WIDTH, HEIGHT));
      }
    } finally {
      g.dispose();
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(image, "png", file.toFile());
  }
}
