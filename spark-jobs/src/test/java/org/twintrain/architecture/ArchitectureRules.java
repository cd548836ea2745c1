package org.twintrain.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of docs/DESIGN.md as ArchUnit rules over the main classes of all four modules. A broken rule
 * fails {@link ArchitectureTest} with the offending class and the dependency named (class, member, line).
 */
final class ArchitectureRules {
    private ArchitectureRules() {
    }

    // The modules' and layers' root packages.
    static final String SHARING = "org.twintrain.sharing..";
    static final String SHARING_ARITH = "org.twintrain.sharing.arith..";
    static final String APPROX = "org.twintrain.approx..";
    static final String DATA_PREP = "org.twintrain.dataprep..";
    static final String DATA_PREP_ETL = "org.twintrain.dataprep.etl..";
    static final String ENGINE = "org.twintrain.engine..";
    static final String JOBS = "org.twintrain.jobs..";
    static final String STORE = "org.twintrain.store..";
    static final String ML = "org.twintrain.ml..";
    static final String TOOLS = "org.twintrain.tools..";

    static final String SPARK = "org.apache.spark..";
    static final String HADOOP = "org.apache.hadoop..";
    static final String BOUNCY_CASTLE = "org.bouncycastle..";

    /** Spark only in the jobs, the Spark ML model and data-prep's ETL. */
    static final ArchRule SPARK_ONLY_IN_JOBS_ML_AND_ETL = noClasses()
            .that().resideOutsideOfPackages(JOBS, ML, DATA_PREP_ETL)
            .should().dependOnClassesThat().resideInAPackage(SPARK)
            .because("Spark belongs to the jobs, the Spark ML model and data-prep's ETL only");

    /** Hadoop (file systems, HDFS) only where data is read or written: jobs, stores, the ML model's files, ETL. */
    static final ArchRule HADOOP_ONLY_IN_JOBS_STORE_ML_AND_ETL = noClasses()
            .that().resideOutsideOfPackages(JOBS, STORE, ML, DATA_PREP_ETL)
            .should().dependOnClassesThat().resideInAPackage(HADOOP)
            .because("Hadoop belongs to the jobs, the stores, the Spark ML model and data-prep's ETL only");

    /** Bouncy Castle only for the peer channel's certificates and TLS. */
    static final ArchRule BOUNCY_CASTLE_ONLY_IN_CHANNEL = noClasses()
            .that().resideOutsideOfPackage("org.twintrain.sharing.channel..")
            .should().dependOnClassesThat().resideInAPackage(BOUNCY_CASTLE)
            .because("Bouncy Castle is the peer channel's (certificates, mutual TLS)");

    /** sharing is the bottom module: it depends on no other module of the project. */
    static final ArchRule SHARING_DEPENDS_ON_NO_OTHER_MODULE = noClasses()
            .that().resideInAPackage(SHARING)
            .should().dependOnClassesThat().resideInAnyPackage(APPROX, DATA_PREP, ENGINE, JOBS, STORE, ML, TOOLS)
            .because("sharing depends on no other module");

    /** approx uses, of sharing, only the arithmetic interface and its backends: no shares, channel or triples. */
    static final ArchRule APPROX_USES_ONLY_ARITHMETIC = noClasses()
            .that().resideInAPackage(APPROX)
            .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                    "are in sharing outside org.twintrain.sharing.arith", c ->
                            c.getPackageName().startsWith("org.twintrain.sharing")
                                    && !c.getPackageName().startsWith("org.twintrain.sharing.arith")))
            .orShould().dependOnClassesThat().resideInAnyPackage(DATA_PREP, ENGINE, JOBS, STORE, ML, TOOLS)
            .because("approx is written against the Arithmetic interface only");

    /** The engine is Spark-free and data-source-free: no Spark, Hadoop, job, store, ML model, tool or data-prep. */
    static final ArchRule ENGINE_USES_NO_SPARK_JOB_STORE_OR_DATA_PREP = noClasses()
            .that().resideInAPackage(ENGINE)
            .should().dependOnClassesThat().resideInAnyPackage(SPARK, HADOOP, JOBS, STORE, ML, TOOLS, DATA_PREP)
            .because("the engine knows no Spark and reads data only through its own types (engine.train.Images)");

    /** data-prep stands beside the engine and below the jobs. */
    static final ArchRule DATA_PREP_USES_NO_JOB_OR_ENGINE = noClasses()
            .that().resideInAPackage(DATA_PREP)
            .should().dependOnClassesThat().resideInAnyPackage(JOBS, ENGINE, STORE, ML, TOOLS, APPROX, SHARING)
            .because("data-prep depends on no job, engine or other module");
}
