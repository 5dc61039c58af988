package io.kimp.core.cycle.journal;

import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Keeps decimals exact in Jackson's tree model. A {@code JacksonMigration} sees an old event as a tree; Jackson's default
 * tree strips trailing zeros from decimals ({@code 100} read back as {@code 1E+2}), so a migrated event would hold
 * numbers equal in value but not in scale to the ones written, and show them differently (e.g. in the trades table's
 * details). Registered for Pekko's Jackson serializers in actors-core's {@code reference.conf}.
 */
public final class ExactDecimalsModule extends SimpleModule {

  public ExactDecimalsModule() {
    super("kimp-exact-decimals");
  }

  @Override
  @SuppressWarnings("deprecation")
  public void setupModule(SetupContext context) {
    super.setupModule(context);
    ObjectCodec owner = context.getOwner();
    if (owner instanceof ObjectMapper mapper) {
      mapper.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
      mapper.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    }
  }
}
