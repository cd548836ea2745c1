package org.twintrain.engine.train;

import java.util.ArrayList;
import java.util.List;
import org.twintrain.engine.Param;
import org.twintrain.sharing.arith.Arithmetic;
import org.twintrain.sharing.arith.DoubleMatrix;
import org.twintrain.sharing.arith.Matrix;
import org.twintrain.sharing.channel.Channel;
import org.twintrain.sharing.ring.LongMatrix;

/**
 * {@link GradientReducer} over channels between one server's own tasks, as a star: task 0 receives the gradients
 * of tasks 1..k-1, adds them in task order to its own and sends the sum back. A star rather than a ring because
 * k is small (the tasks of one server) and the gradients of the models trained on shares are small (the
 * SecureML network's are 0.9 MB per step), so one hop each way costs less than a ring's 2(k-1) rounds.
 *
 * <p>Ring elements (shares, fixed-point encodings) add modulo 2^64, so the order does not matter; doubles are
 * added in task order at task 0 only, so every task gets the same bits.
 */
public final class ChannelGradientSum implements GradientReducer {
    private final int task;
    private final int tasks;
    private final List<Channel> channels;

    /**
     * @param task     this task's index j in 0..k-1
     * @param tasks    k
     * @param channels task 0: the channels to tasks 1..k-1 in order; any other task: one channel, to task 0
     */
    public ChannelGradientSum(int task, int tasks, List<Channel> channels) {
        if (task < 0 || task >= tasks) {
            throw new IllegalArgumentException("task index " + task + " is outside 0.." + (tasks - 1));
        }
        int expected = task == 0 ? tasks - 1 : 1;
        if (channels.size() != expected) {
            throw new IllegalArgumentException("task " + task + " of " + tasks + " needs " + expected
                    + " channel(s), got " + channels.size());
        }
        this.task = task;
        this.tasks = tasks;
        this.channels = List.copyOf(channels);
    }

    @Override
    public int tasks() {
        return tasks;
    }

    @Override
    public void sumGradients(Arithmetic a, List<Param> params) {
        List<Param> withGrad = new ArrayList<>();
        int length = 0;
        for (Param p : params) {
            if (p.trainable() && p.grad() != null) {
                withGrad.add(p);
                length += p.grad().size();
            }
        }
        long[] mine = flatten(withGrad, length);
        long[] sum;
        if (task == 0) {
            boolean doubles = !withGrad.isEmpty() && withGrad.get(0).grad() instanceof DoubleMatrix;
            sum = mine;
            for (Channel c : channels) {
                long[] theirs = c.receive(length);
                for (int i = 0; i < length; i++) {
                    sum[i] = doubles ? Double.doubleToRawLongBits(Double.longBitsToDouble(sum[i])
                            + Double.longBitsToDouble(theirs[i])) : sum[i] + theirs[i];
                }
            }
            for (Channel c : channels) {
                c.send(sum);
            }
        } else {
            channels.get(0).send(mine);
            sum = channels.get(0).receive(length);
        }
        int at = 0;
        for (Param p : withGrad) {
            Matrix g = p.grad();
            p.clearGrad();
            p.accumulate(a, unflatten(g, sum, at));
            at += g.size();
        }
    }

    private static long[] flatten(List<Param> params, int length) {
        long[] out = new long[length];
        int at = 0;
        for (Param p : params) {
            Matrix g = p.grad();
            if (g instanceof LongMatrix l) {
                System.arraycopy(l.data(), 0, out, at, l.size());
            } else if (g instanceof DoubleMatrix d) {
                double[] v = d.data();
                for (int i = 0; i < v.length; i++) {
                    out[at + i] = Double.doubleToRawLongBits(v[i]);
                }
            } else {
                throw new IllegalArgumentException("gradient of " + p.name() + " is a " + g.getClass().getSimpleName()
                        + ", not a LongMatrix or DoubleMatrix");
            }
            at += g.size();
        }
        return out;
    }

    private static Matrix unflatten(Matrix like, long[] sum, int at) {
        if (like instanceof LongMatrix) {
            long[] v = new long[like.size()];
            System.arraycopy(sum, at, v, 0, v.length);
            return new LongMatrix(like.rows(), like.cols(), v);
        }
        double[] v = new double[like.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.longBitsToDouble(sum[at + i]);
        }
        return new DoubleMatrix(like.rows(), like.cols(), v);
    }
}
