package org.twintrain.dataprep.format;

/** Which CIFAR-100 label to use. CIFAR-10's single label counts as {@link #FINE}. */
public enum LabelKind {
    FINE,
    COARSE
}
