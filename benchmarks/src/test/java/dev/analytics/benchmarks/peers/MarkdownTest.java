package dev.analytics.benchmarks.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownTest {

  @Test
  void replacesOnlyTheTextBetweenTheMarkers() {
    String before = "# Benchmarks\n\n## 5. Earlier\ntext  with  spacing\n\n";
    String after = "\n\n## 7. Later\nkept\n";
    String document = before + Markdown.BEGIN + "\nold section\n" + Markdown.END + after;

    String updated = Markdown.replaceSection(document, "## 6. New\nfigures\n");

    assertThat(updated).isEqualTo(before + Markdown.BEGIN + "\n## 6. New\nfigures\n" + Markdown.END + after);
  }

  @Test
  void findsABeginMarkerWhoseCommentTextChanged() {
    String document = "top\n<!-- peers:begin (older wording) -->\nold\n" + Markdown.END + "\nbottom\n";

    assertThat(Markdown.replaceSection(document, "new"))
        .isEqualTo("top\n" + Markdown.BEGIN + "\nnew\n" + Markdown.END + "\nbottom\n");
  }

  @Test
  void appendsTheSectionWhenThereAreNoMarkers() {
    assertThat(Markdown.replaceSection("# Benchmarks\nlast line\n", "## 6. New"))
        .isEqualTo("# Benchmarks\nlast line\n\n" + Markdown.BEGIN + "\n## 6. New\n" + Markdown.END + "\n");
  }

  @Test
  void refusesMarkersThatDoNotPair() {
    assertThatThrownBy(() -> Markdown.replaceSection("a\n" + Markdown.END + "\nb\n" + Markdown.BEGIN + "\n", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("peers:end");
    assertThatThrownBy(() -> Markdown.replaceSection("a\n" + Markdown.BEGIN + "\nb\n", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Markdown.replaceSection(
        Markdown.BEGIN + "\n" + Markdown.END + "\n" + Markdown.BEGIN + "\n" + Markdown.END + "\n", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(Markdown.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
    assertThat(Markdown.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(Markdown.median(List.of())).isNaN();
  }

  @Test
  void percentileKeysDropTrailingZeros() {
    assertThat(Markdown.percentileKey(50)).isEqualTo("p50");
    assertThat(Markdown.percentileKey(99.9)).isEqualTo("p99.9");
    assertThat(Markdown.percentileKey(99.99)).isEqualTo("p99.99");
  }

  @Test
  void formatsCountsDecimalsAndRatios() {
    assertThat(Markdown.count(84_123.4)).isEqualTo("84,123");
    assertThat(Markdown.decimal(3.641)).isEqualTo("3.64");
    assertThat(Markdown.decimal(18.66)).isEqualTo("18.7");
    assertThat(Markdown.decimal(1234.5)).isEqualTo("1,235");
    assertThat(Markdown.ratio(486_000, 84_000)).isEqualTo("5.8x");
    assertThat(Markdown.ratio(84_000, 4_914)).isEqualTo("17x");
    assertThat(Markdown.ratio(1, Double.NaN)).isEqualTo("n/a");
  }

  @Test
  void tableHasAHeaderRuleAndOneLinePerRow() {
    String table = Markdown.table(List.of("library", "events/s"), List.of(List.of("ours", "84,000"), List.of("peer", "4,914")));

    assertThat(table).isEqualTo("| library | events/s |\n|---|---:|\n| ours | 84,000 |\n| peer | 4,914 |\n");
    assertThatThrownBy(() -> Markdown.table(List.of("a", "b"), List.of(List.of("only one"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 cells");
  }
}
