package org.twintrain.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Checks {@link ArchitectureRules} on the main classes of every module (all are on this module's test class
 * path; test classes are left out). Each rule is one test; {@link ArchitectureRulesFailTest} shows that they fail.
 */
@AnalyzeClasses(packages = "org.twintrain", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule sparkOnlyInJobsMlAndEtl = ArchitectureRules.SPARK_ONLY_IN_JOBS_ML_AND_ETL;

    @ArchTest
    static final ArchRule hadoopOnlyInJobsStoreMlAndEtl = ArchitectureRules.HADOOP_ONLY_IN_JOBS_STORE_ML_AND_ETL;

    @ArchTest
    static final ArchRule bouncyCastleOnlyInChannel = ArchitectureRules.BOUNCY_CASTLE_ONLY_IN_CHANNEL;

    @ArchTest
    static final ArchRule sharingDependsOnNoOtherModule = ArchitectureRules.SHARING_DEPENDS_ON_NO_OTHER_MODULE;

    @ArchTest
    static final ArchRule approxUsesOnlyArithmetic = ArchitectureRules.APPROX_USES_ONLY_ARITHMETIC;

    @ArchTest
    static final ArchRule engineUsesNoSparkJobStoreOrDataPrep = ArchitectureRules.ENGINE_USES_NO_SPARK_JOB_STORE_OR_DATA_PREP;

    @ArchTest
    static final ArchRule dataPrepUsesNoJobOrEngine = ArchitectureRules.DATA_PREP_USES_NO_JOB_OR_ENGINE;
}
