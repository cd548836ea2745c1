package org.twintrain.jobs.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One row of a study table over its seeds: the configurations that differ only in the seed, their metric's mean and
 * sample standard deviation over the seeds that finished, and how many did not. A seed counts as finished when its
 * status is ok and its final metric is finite; a diverged or failed seed, or an ok one whose metric is not finite,
 * is counted here (never silently dropped) and left out of the mean.
 *
 * @param key       the row's configuration without the seed: dataset/model/approx/tanh/precision
 * @param first     the first seed's configuration (dataset, model, approximation, paper figure)
 * @param seeds     every seed of the row, in grid order
 * @param values    the finished seeds' metrics (accuracy in %, or perplexity), in seed order
 * @param diverged  seeds that diverged
 * @param failed    seeds that failed, or finished without a finite metric
 * @param reason    the first unfinished seed's status and reason ("" when all finished)
 */
public record SeedSummary(String key, StudyConfig first, List<Long> seeds, List<Double> values, int diverged, int failed,
        String reason) {

    /** The rows of the results, in the order of their first seed. */
    public static List<SeedSummary> of(List<StudyResult> results, boolean perplexity) {
        Map<String, List<StudyResult>> rows = new LinkedHashMap<>();
        for (StudyResult r : results) {
            rows.computeIfAbsent(key(r.config()), k -> new ArrayList<>()).add(r);
        }
        List<SeedSummary> out = new ArrayList<>();
        for (Map.Entry<String, List<StudyResult>> e : rows.entrySet()) {
            List<Long> seeds = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            int diverged = 0;
            int failed = 0;
            String reason = "";
            for (StudyResult r : e.getValue()) {
                seeds.add(r.config().seed());
                double v = metric(r, perplexity);
                if (r.ok() && Double.isFinite(v)) {
                    values.add(v);
                    continue;
                }
                if (r.status().equals(StudyResult.DIVERGED)) {
                    diverged++;
                } else {
                    failed++;
                }
                if (reason.isEmpty()) {
                    reason = "s" + r.config().seed() + " " + (r.ok() ? "failed: final metric is " + v
                            : r.status() + ": " + r.reason());
                }
            }
            out.add(new SeedSummary(e.getKey(), e.getValue().get(0).config(), List.copyOf(seeds), List.copyOf(values),
                    diverged, failed, reason));
        }
        return out;
    }

    /** A configuration's row key: its id without the seed. */
    static String key(StudyConfig c) {
        return c.dataset() + "/" + c.model().key() + "/" + c.row() + "/" + c.tanh() + "/" + c.precision();
    }

    /** Dev accuracy in % or dev perplexity; NaN when the run has none. */
    static double metric(StudyResult r, boolean perplexity) {
        return perplexity ? r.perplexity() : 100 * r.accuracy();
    }

    public int finished() {
        return values.size();
    }

    /** Mean over the finished seeds (NaN if none). */
    public double mean() {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s / values.size();
    }

    /** Sample standard deviation (n - 1) over the finished seeds; NaN below two. */
    public double sd() {
        int n = values.size();
        if (n < 2) {
            return Double.NaN;
        }
        double m = mean();
        double s = 0;
        for (double v : values) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (n - 1));
    }

    /**
     * The table cell without the paper's figure: "12.34" for one finished seed of one, "12.34 ± 0.56 (3 seeds)",
     * "12.34 ± 0.56 (2 of 3 seeds; s2 diverged: ...)", or the status and reason when no seed finished.
     */
    public String text() {
        int n = seeds.size();
        if (values.isEmpty()) {
            String what = diverged == n ? StudyResult.DIVERGED : failed == n ? StudyResult.FAILED : "not finished";
            // one seed: the reason alone, as the table showed it before seeds were aggregated
            return "**" + what + "**" + (n > 1 ? " (" + n + " seeds): " + reason : ": " + reason.substring(reason.indexOf(": ") + 2));
        }
        String m = String.format(Locale.ROOT, "%.2f", mean());
        if (n == 1) {
            return m;
        }
        String sd = values.size() > 1 ? String.format(Locale.ROOT, " ± %.2f", sd()) : "";
        String count = values.size() == n ? n + " seeds" : values.size() + " of " + n + " seeds; " + reason;
        return m + sd + " (" + count + ")";
    }

    /** Tab-separated header of {@link #tsv}. */
    public static final String TSV_HEADER =
            "dataset\tmodel\tapprox\ttanh\tprecision\tmean\tsd\tseeds\tfinished\tdiverged\tfailed\tpaper";

    /** One line of the study's summary.tsv (numbers in full precision, NaN where undefined). */
    public String tsv() {
        return String.join("\t", first.dataset(), first.model().key(), first.row(), first.tanh(), first.precision(),
                Double.toString(mean()), Double.toString(sd()), Integer.toString(seeds.size()),
                Integer.toString(finished()), Integer.toString(diverged), Integer.toString(failed), first.paper());
    }
}
