package org.twintrain.engine.optim;

/**
 * A step learning-rate schedule: {@code base} for the first {@code firstDrop} steps, then divided by
 * {@code 1/factor} every {@code interval} steps. The paper's schedule is {@link #paper()}: 0.1, divided by 10
 * at 40k steps and every 20k steps after.
 */
public record StepSchedule(double base, long firstDrop, long interval, double factor) {

    public StepSchedule {
        if (base <= 0 || firstDrop < 0 || interval <= 0 || factor <= 0 || factor > 1) {
            throw new IllegalArgumentException("bad schedule: base " + base + ", first drop " + firstDrop
                    + ", interval " + interval + ", factor " + factor);
        }
    }

    public static StepSchedule paper() {
        return new StepSchedule(0.1, 40_000, 20_000, 0.1);
    }

    /** A constant rate. */
    public static StepSchedule constant(double lr) {
        return new StepSchedule(lr, Long.MAX_VALUE, 1, 1.0);
    }

    /** The rate at a 0-based global step. */
    public double rate(long step) {
        if (step < firstDrop) {
            return base;
        }
        long drops = 1 + (step - firstDrop) / interval;
        return base * Math.pow(factor, drops);
    }

    /** "base@firstDrop/interval*factor", e.g. "0.1@40000/20000*0.1". */
    public static StepSchedule parse(String s) {
        try {
            String[] at = s.split("@");
            if (at.length == 1) {
                return constant(Double.parseDouble(at[0]));
            }
            String[] rest = at[1].split("[/*]");
            return new StepSchedule(Double.parseDouble(at[0]), Long.parseLong(rest[0]), Long.parseLong(rest[1]),
                    Double.parseDouble(rest[2]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("learning-rate schedule '" + s + "' is not LR or LR@FIRST/EVERY*FACTOR", e);
        }
    }

    @Override
    public String toString() {
        return firstDrop == Long.MAX_VALUE ? Double.toString(base) : base + "@" + firstDrop + "/" + interval + "*" + factor;
    }
}
