/** The architecture's rules (which module and package may use what) as ArchUnit tests. */
package org.twintrain.architecture;
