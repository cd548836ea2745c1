/** Test fixtures that break the architecture's rules on purpose, for the rules' own tests. */
package org.twintrain.engine.archfixture;
