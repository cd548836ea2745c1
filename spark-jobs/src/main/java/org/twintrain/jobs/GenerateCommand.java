package org.twintrain.jobs;

import org.twintrain.dataprep.generate.GenerateJob;

/** {@code generate}: one generated data set in its release format (data-prep's GenerateJob); needs no Spark. */
final class GenerateCommand implements Command {

    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String summary() {
        return "a small generated data set (cifar10, cifar100, mnist or text) in its release format, for trying things";
    }

    @Override
    public String usage() {
        return """
                usage: submit/twintrain generate --dataset cifar10|cifar100|mnist|text --output DIR [--seed N] [--scale N]

                Writes the files of that one data set, in the layout of its official download, into DIR
                (mnist: 1000*scale training and 200*scale test images; cifar10: 2 batches of 500*scale and
                200*scale test images, plus the release tarball; cifar100: 1000*scale and 500*scale; text:
                2000*scale sentence pairs and 200*scale dev pairs). Class-dependent patterns, so that a model
                beats chance; the same seed gives the same bytes. Prepare it with
                submit/twintrain prep --dataset NAME --input DIR --output ...""";
    }

    @Override
    public int run(String[] args) throws Exception {
        System.out.println(GenerateJob.run(args));
        return 0;
    }
}
