package org.twintrain.jobs.train;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.twintrain.jobs.Command;
import org.twintrain.jobs.CommandLine;

/** {@code submit/twintrain bench-secure}: runs {@link SecureBenchmark} and prints its table. No Spark needed. */
public final class BenchSecureCommand implements Command {
    @Override
    public String name() {
        return "bench-secure";
    }

    @Override
    public String summary() {
        return "secure vs double step time, bytes and rounds per step, offline time (two threads, one JVM)";
    }

    @Override
    public String usage() {
        return """
                usage: submit/twintrain bench-secure [--model NAME] [--steps N] [--warmup N] [--double-steps N]
                                                     [--tls] [--mnist DIR] [--epoch-rows N] [--conf FILE] [--set k=v]

                Trains NAME (default secureml, 784-128-128-10 with ReLU) at train.batchSize on two parties in this
                JVM (two threads, TwoPartyArithmetic, dealer triples) and the same engine in double precision, and
                prints the median step times, their ratio, the epoch time extrapolated, bytes and rounds per step
                against the analytical count and the dealer's time for one epoch's triples.

                  --model NAME        model.name (default secureml)
                  --steps N           secure steps timed (default 20)
                  --warmup N          secure steps run before timing, so the JIT has compiled the
                                      secure path (default 5)
                  --double-steps N    double-precision steps timed (default 20)
                  --tls               mutual TLS on loopback between the parties (default: in-memory channel)
                  --mnist DIR         real rows from DIR/train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]
                                      (default: generated rows, 784 features or the size of model.inputShape)
                  --epoch-rows N      examples per epoch for the extrapolation (default 60000)""";
    }

    @Override
    public int run(String[] args) throws Exception {
        CommandLine line = CommandLine.parse(name(), args,
                Set.of("model", "steps", "warmup", "double-steps", "mnist", "epoch-rows"), Set.of("tls"));
        Map<String, String> settings = line.conf().with("model.name", line.get("model", "secureml")).asMap();
        SecureBenchmark.Options o = new SecureBenchmark.Options(settings, Integer.parseInt(line.get("steps", "20")),
                Integer.parseInt(line.get("warmup", "5")), Integer.parseInt(line.get("double-steps", "20")),
                line.has("tls"), line.has("mnist") ? Path.of(line.get("mnist", null)) : null,
                Integer.parseInt(line.get("epoch-rows", "60000")));
        System.out.print(SecureBenchmark.run(o).format());
        return 0;
    }
}
