package org.twintrain.store;

import org.apache.hadoop.fs.Path;

/** Where things live under one server's store root. */
public final class StoreLayout {
    private final Path root;

    public StoreLayout(String root) {
        this.root = new Path(root);
    }

    public Path root() {
        return root;
    }

    /** One server's half of a shared data set. */
    public Path data(String name) {
        return new Path(new Path(root, "data"), name);
    }

    /** One server's model share of a training run. */
    public Path model(String run) {
        return new Path(new Path(root, "model"), run);
    }

    /** One server's checkpoints of a training run ({@link CheckpointStore}). */
    public Path checkpoints(String run) {
        return new Path(new Path(root, "checkpoints"), run);
    }

    /** One server's half of the triples of a plan. */
    public Path triples(String plan) {
        return new Path(new Path(root, "triples"), plan);
    }

    /** Window w of a plan dealt window by window ({@link TripleManifest#windowSteps}). */
    public Path tripleWindow(String plan, int w) {
        return new Path(triples(plan), String.format(java.util.Locale.ROOT, "window-%05d", w));
    }

    /**
     * The marker a server leaves for window w once a checkpoint both servers confirmed covers it and its folder
     * is deleted: tells the dealer that the window was consumed (not that it was never made).
     */
    public Path tripleWindowConsumed(String plan, int w) {
        return new Path(triples(plan), String.format(java.util.Locale.ROOT, "window-%05d.consumed", w));
    }
}
