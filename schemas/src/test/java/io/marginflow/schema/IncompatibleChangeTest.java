package io.marginflow.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.junit.jupiter.api.Test;

/**
 * The check that guards the history (see {@link SchemaEvolutionTest}) refuses the changes that
 * would break consumers replaying old data. Each case edits today's schema the way a careless
 * change would and asks whether the edited schema can read data written with today's.
 */
class IncompatibleChangeTest {

    @Test
    void addingAFieldWithoutADefaultIsCaught() {
        Schema edited = withFields(Fill.getClassSchema(), fields -> {
            fields.add(new Schema.Field("venue", Schema.create(Schema.Type.STRING), "Trading venue.", (Object) null));
            return fields;
        });

        SchemaPairCompatibility result = readingTodaysDataWith(edited, Fill.getClassSchema());

        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(result.getResult().getIncompatibilities())
                .anySatisfy(incompatibility -> {
                    assertThat(incompatibility.getType())
                            .isEqualTo(SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE);
                    assertThat(incompatibility.getMessage()).contains("venue");
                });
    }

    @Test
    void changingAFieldsTypeIsCaught() {
        Schema edited = withFieldReplaced(PriceUpdate.getClassSchema(), "price",
                price -> new Schema.Field(price.name(), Schema.create(Schema.Type.STRING), price.doc(), (Object) null));

        SchemaPairCompatibility result = readingTodaysDataWith(edited, PriceUpdate.getClassSchema());

        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(result.getResult().getIncompatibilities())
                .anySatisfy(incompatibility -> {
                    assertThat(incompatibility.getType()).isEqualTo(SchemaIncompatibilityType.TYPE_MISMATCH);
                    // Avro names the place as a JSON pointer into the schema
                    int price = PriceUpdate.getClassSchema().getField("price").pos();
                    assertThat(incompatibility.getLocation()).isEqualTo("/fields/" + price + "/type");
                });
    }

    @Test
    void removingAnEnumSymbolIsCaught() {
        Schema kind = CollateralMovementKind.getClassSchema();
        List<String> fewer = new ArrayList<>(kind.getEnumSymbols());
        fewer.remove("TRANSFER");
        Schema editedKind = Schema.createEnum(kind.getName(), kind.getDoc(), kind.getNamespace(), fewer);
        Schema edited = withFieldReplaced(CollateralMovement.getClassSchema(), "kind",
                field -> new Schema.Field(field, editedKind));

        SchemaPairCompatibility result = readingTodaysDataWith(edited, CollateralMovement.getClassSchema());

        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(result.getResult().getIncompatibilities())
                .anySatisfy(incompatibility -> {
                    assertThat(incompatibility.getType()).isEqualTo(SchemaIncompatibilityType.MISSING_ENUM_SYMBOLS);
                    assertThat(incompatibility.getMessage()).contains("TRANSFER");
                });
    }

    @Test
    void addingAFieldWithADefaultIsAccepted() {
        Schema edited = withFields(Fill.getClassSchema(), fields -> {
            fields.add(new Schema.Field("venue", Schema.create(Schema.Type.STRING), "Trading venue.", "UNKNOWN"));
            return fields;
        });

        assertThat(readingTodaysDataWith(edited, Fill.getClassSchema()).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static SchemaPairCompatibility readingTodaysDataWith(Schema edited, Schema today) {
        return SchemaCompatibility.checkReaderWriterCompatibility(edited, today);
    }

    /** A copy of {@code record} with the field called {@code name} replaced by {@code replacement} of it. */
    private static Schema withFieldReplaced(Schema record, String name, UnaryOperator<Schema.Field> replacement) {
        return withFields(record, fields -> {
            fields.replaceAll(field -> field.name().equals(name) ? replacement.apply(field) : field);
            return fields;
        });
    }

    /** A copy of {@code record} whose fields are {@code edit} applied to copies of its fields. */
    private static Schema withFields(Schema record, UnaryOperator<List<Schema.Field>> edit) {
        List<Schema.Field> copies = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            copies.add(new Schema.Field(field, field.schema()));
        }
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, edit.apply(copies));
    }
}
