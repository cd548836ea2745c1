package org.twintrain.jobs.study;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A hand-written SVG chart: a framed plot area with a 5x5 grid, tick values, axis titles and a legend, one colour
 * per series. Series are points (x, y); connected, they are lines (learning curves); not connected, each point
 * is a marker with its series name beside it (the Pareto plot).
 */
public final class SvgChart {
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int W = 720;
    private static final int H = 420;
    private static final int LEFT = 60;
    private static final int RIGHT = 200;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private SvgChart() {
    }

    /** The chart; points outside [minY, maxY] are drawn at the edge. */
    public static String chart(String title, String xLabel, String yLabel, Map<String, List<double[]>> series,
            double minX, double maxX, double minY, double maxY, boolean connect) {
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", W, H));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n", LEFT, xml(title)));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"black\"/>%n", LEFT, TOP, pw, ph));
        for (int i = 0; i <= 5; i++) {
            double fx = LEFT + pw * i / 5.0;
            double fy = TOP + ph - ph * i / 5.0;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    fx, TOP, fx, TOP + ph));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, fy, LEFT + pw, fy));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n",
                    fx, TOP + ph + 16, minX + (maxX - minX) * i / 5.0));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>%n",
                    LEFT - 6, fy + 4, minY + (maxY - minY) * i / 5.0));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                LEFT + pw / 2, H - 12, xml(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" "
                + "text-anchor=\"middle\">%s</text>%n", TOP + ph / 2, TOP + ph / 2, xml(yLabel)));
        int i = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            String color = COLORS[i % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (double[] p : e.getValue()) {
                double x = LEFT + pw * (p[0] - minX) / (maxX - minX);
                double y = TOP + ph - ph * (Math.max(Math.min(p[1], maxY), minY) - minY) / (maxY - minY);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"/>%n", x, y,
                        connect ? "2.5" : "4", color));
                if (!connect) {
                    sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">%s</text>%n",
                            x + 5, y - 4, xml(e.getKey())));
                }
            }
            if (connect && e.getValue().size() > 1) {
                sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                        + "points=\"%s\"/>%n", color, pts.toString().trim()));
            }
            int ly = TOP + 14 + 18 * i;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/>%n", LEFT + pw + 10, ly - 4, LEFT + pw + 30, ly - 4, color));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + pw + 36, ly, xml(e.getKey())));
            i++;
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
