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
}
