/**
 * The cycle journal's own value types: what {@link io.kimp.core.cycle.CycleEvent}s (and the cycle state folded from
 * them) hold instead of the ports' records ({@code OrderRequest}, {@code OrderResult}, {@code WithdrawalRequest},
 * {@code WithdrawalResult}, {@code Deposit}, {@code Opportunity}, {@code RebalancePlan}). Each has explicit fields and is
 * converted from the port's record where an event is made ({@code of}), and back where an effect needs the port's type.
 * A port record may now change freely; a change to one of these types is a change of the journal's wire form and needs a
 * {@link org.apache.pekko.serialization.jackson.JacksonMigration} (see {@code docs/journal-compatibility.md}).
 */
package io.kimp.core.cycle.journal;
