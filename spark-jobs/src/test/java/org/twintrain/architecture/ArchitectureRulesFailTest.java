package org.twintrain.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;
import org.twintrain.engine.Shape;
import org.twintrain.engine.archfixture.EngineClassReadingDataPrep;

/** The rules catch what they are meant to: a fixture class in an engine package that reads a data-prep reader. */
class ArchitectureRulesFailTest {

    @Test
    void engineRuleFailsOnAFixtureThatReadsDataPrepAndNamesIt() {
        JavaClasses fixture = new ClassFileImporter().importClasses(EngineClassReadingDataPrep.class);
        EvaluationResult result = ArchitectureRules.ENGINE_USES_NO_SPARK_JOB_STORE_OR_DATA_PREP.evaluate(fixture);
        assertTrue(result.hasViolation());
        String report = result.getFailureReport().toString();
        assertTrue(report.contains(EngineClassReadingDataPrep.class.getName()), report);
        assertTrue(report.contains("org.twintrain.dataprep.format.MnistReader"), report);
        AssertionError e = assertThrows(AssertionError.class,
                () -> ArchitectureRules.ENGINE_USES_NO_SPARK_JOB_STORE_OR_DATA_PREP.check(fixture));
        assertTrue(e.getMessage().contains(EngineClassReadingDataPrep.class.getName()), e.getMessage());
    }

    /** The rules see every module's main classes (from the reactor's class path), and no test class. */
    @Test
    void ruleTestsImportEveryModule() {
        JavaClasses all = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("org.twintrain");
        for (String name : new String[] {"org.twintrain.sharing.arith.Arithmetic", "org.twintrain.approx.Softmax",
            "org.twintrain.dataprep.format.MnistReader", "org.twintrain.engine.train.Trainer",
            "org.twintrain.jobs.TwinTrain", "org.twintrain.tools.TrainLocal"}) {
            assertTrue(all.contain(name), name + " not imported");
        }
        assertFalse(all.contain(EngineClassReadingDataPrep.class), "test classes must be left out");
    }

    @Test
    void engineRuleHoldsForARealEngineClass() {
        JavaClasses clean = new ClassFileImporter().importClasses(Shape.class);
        assertFalse(ArchitectureRules.ENGINE_USES_NO_SPARK_JOB_STORE_OR_DATA_PREP.evaluate(clean).hasViolation());
    }
}
