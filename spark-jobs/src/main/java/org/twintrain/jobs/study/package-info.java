/**
 * The approximation study on Spark (the paper's Tables 2 and 3 and the precision sweep). A grid file
 * ({@link org.twintrain.jobs.study.StudyGrid}; format in {@code conf/study/README.md}) expands to
 * configurations (model x data set x e^x / tanh approximation x precision x seed, plus the training scale);
 * {@link org.twintrain.jobs.study.StudyJob} runs each as one Spark task (its own one-task job) that calls
 * {@link org.twintrain.jobs.study.StudyTask}, which reads the data with the data-prep readers and trains with the
 * engine (double, or fixed-point emulation for {@code fixed:F}): image classifiers with the engine's
 * {@link org.twintrain.engine.train.Trainer}, seq2seq on parallel text with the engine's
 * {@link org.twintrain.engine.models.Seq2Seq} (the engine has no sequence trainer, so a small driver picks the
 * batches). Approximations come from the approx module's {@link org.twintrain.approx.ApproxConfig}.
 * A configuration's exception, a non-finite loss or a loss explosion becomes its result (failed / diverged, with
 * the reason), never the job's failure. The driver stores each result as its task returns
 * ({@code CompletedResults}, so a stopped study resumes and several runs build one table), then writes Parquet (results, per-step metrics), the paper-style
 * Markdown table ({@link org.twintrain.jobs.study.StudyReport}; several seeds of a row aggregated by
 * {@link org.twintrain.jobs.study.SeedSummary}, also written as summary.tsv) and SVG learning curves
 * ({@link org.twintrain.jobs.study.LearningCurves}). The only class that touches Spark is StudyJob (and the
 * command that starts the session).
 */
package org.twintrain.jobs.study;
