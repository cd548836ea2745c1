package org.twintrain.approx;

/** Which gradient {@link Softmax#crossEntropyGradient} returns; configured as {@code softmax.gradient}. */
public enum SoftmaxGradient {
    /** The true derivative of the composed approximate function ("correct gradient" in Ho et al.). */
    EXACT("exact"),
    /** SecureML's shortcut: p - y, the exact softmax's gradient, applied to the approximate probabilities. */
    SECUREML("secureml");

    private final String configName;

    SoftmaxGradient(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static SoftmaxGradient parse(String name) {
        for (SoftmaxGradient g : values()) {
            if (g.configName.equals(name)) {
                return g;
            }
        }
        throw new IllegalArgumentException("softmax.gradient: unknown value '" + name + "'; valid: exact, secureml");
    }
}
