// The Markdown renderer's output for notebook Markdown, rendered to static HTML as the page would receive it.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "./Markdown";

/** The markup, without the source-line attributes (tested on their own below). */
const render = (source: string): string =>
  renderToStaticMarkup(<Markdown source={source} />).replace(/ data-lines?="\d+"/g, "");

/** The HTML between the markdown wrapper's tags, so expectations read as the blocks themselves. */
const body = (source: string): string =>
  render(source).replace(/^<div class="markdown" data-testid="markdown">|<\/div>$/g, "");

describe("Markdown pipe tables", () => {
  it("renders a header row, a delimiter row and body rows as a table", () => {
    expect(body("| metric | value |\n|---|---|\n| loss | 0.25 |\n| acc | 0.91 |")).toBe(
      '<div class="markdown-table"><table>' +
        "<thead><tr><th>metric</th><th>value</th></tr></thead>" +
        "<tbody><tr><td>loss</td><td>0.25</td></tr><tr><td>acc</td><td>0.91</td></tr></tbody>" +
        "</table></div>",
    );
  });

  it("accepts rows without outer pipes and spaces around the delimiters", () => {
    expect(body("metric | value\n --- | --- \nloss | 0.25")).toBe(
      '<div class="markdown-table"><table>' +
        "<thead><tr><th>metric</th><th>value</th></tr></thead>" +
        "<tbody><tr><td>loss</td><td>0.25</td></tr></tbody>" +
        "</table></div>",
    );
  });

  it("aligns columns as the delimiter row says, header and body alike", () => {
    const html = render("| a | b | c | d |\n|:--|--:|:-:|---|\n| 1 | 2 | 3 | 4 |");
    expect(html).toContain(
      '<tr><th style="text-align:left">a</th><th style="text-align:right">b</th>' +
        '<th style="text-align:center">c</th><th>d</th></tr>',
    );
    expect(html).toContain(
      '<tr><td style="text-align:left">1</td><td style="text-align:right">2</td>' +
        '<td style="text-align:center">3</td><td>4</td></tr>',
    );
  });

  it("formats inline code, bold, italics and links inside cells as in paragraphs", () => {
    const html = render("| **name** | `code` |\n|---|---|\n| *it* | [docs](https://example.com) |");
    expect(html).toContain("<th><strong>name</strong></th><th><code>code</code></th>");
    expect(html).toContain(
      '<td><em>it</em></td><td><a href="https://example.com" target="_blank" rel="noopener noreferrer">docs</a></td>',
    );
  });

  it("keeps an escaped pipe as a literal pipe inside a cell, in code too", () => {
    const html = render("| expr | meaning |\n|---|---|\n| `a \\| b` | a or b \\| c |");
    expect(html).toContain("<tr><td><code>a | b</code></td><td>a or b | c</td></tr>");
  });

  it("pads short rows with empty cells and drops cells beyond the header's width", () => {
    const html = render("| a | b | c |\n|---|---|---|\n| 1 |\n| 1 | 2 | 3 | 4 | 5 |");
    expect(html).toContain("<tr><td>1</td><td></td><td></td></tr>");
    expect(html).toContain("<tr><td>1</td><td>2</td><td>3</td></tr>");
    expect(html).not.toContain("<td>4</td>");
  });

  it("leaves a header row without a delimiter row below it as a paragraph", () => {
    expect(body("| a | b |\n| 1 | 2 |")).toBe("<p>| a | b | | 1 | 2 |</p>");
  });

  it("is not a table when the delimiter row's column count differs from the header's", () => {
    expect(body("| a | b |\n|---|\n| 1 | 2 |")).not.toContain("<table>");
  });

  it("does not take a dashed line without pipes for a delimiter row", () => {
    expect(body("a | b\n---")).toBe("<p>a | b</p><hr/>");
  });

  it("starts a table on a paragraph's last line, leaving the earlier lines as the paragraph", () => {
    expect(body("Results below.\nSee the table.\n| a | b |\n|---|---|\n| 1 | 2 |")).toBe(
      "<p>Results below. See the table.</p>" +
        '<div class="markdown-table"><table>' +
        "<thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody>" +
        "</table></div>",
    );
  });

  it("ends the table at a list, a heading or a blank line", () => {
    expect(body("| a |\n|---|\n| 1 |\n- item\n- next")).toBe(
      '<div class="markdown-table"><table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody>' +
        "</table></div><ul><li>item</li><li>next</li></ul>",
    );
    expect(body("| a |\n|---|\n| 1 |\n## Next")).toContain("</table></div><h2>Next</h2>");
    expect(body("| a |\n|---|\n| 1 |\n\nafter")).toContain("</table></div><p>after</p>");
  });

  it("renders a table with only a header row, without a body", () => {
    expect(body("| a | b |\n|---|---|")).toBe(
      '<div class="markdown-table"><table><thead><tr><th>a</th><th>b</th></tr></thead></table></div>',
    );
  });

  it("renders every row of a 10,000-row table", () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `| row ${i} | ${i * 2} |`);
    const html = render(["| name | double |", "|---|--:|", ...rows].join("\n"));
    expect(html.match(/<tr>/g)).toHaveLength(10_001);
    expect(html).toContain('<tr><td>row 9999</td><td style="text-align:right">19998</td></tr>');
  });

  it("renders a line of thousands of pipes as text, and a table thousands of columns wide", () => {
    const pipes = "|".repeat(5_000);
    expect(body(pipes)).toBe(`<p>${pipes}</p>`);
    const wide = 3_000;
    const html = render(`${"| h ".repeat(wide)}|\n${"|---".repeat(wide)}|\n${"| c ".repeat(wide * 2)}|`);
    expect(html.match(/<th>h<\/th>/g)).toHaveLength(wide);
    expect(html.match(/<td>c<\/td>/g)).toHaveLength(wide);
  });

  it("renders a script tag or an HTML attribute in a cell as text", () => {
    const html = render('| <script>alert(1)</script> |\n|---|\n| <img src=x onerror="alert(2)"> |');
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).toContain("<th>&lt;script&gt;alert(1)&lt;/script&gt;</th>");
    expect(html).toContain("<td>&lt;img src=x onerror=&quot;alert(2)&quot;&gt;</td>");
  });

  it("does not link a javascript: URL inside a cell", () => {
    const html = render("| x |\n|---|\n| [click](javascript:alert`1`) |");
    expect(html).not.toContain("href");
    expect(html).toContain("<td><span>click</span></td>");
  });
});

describe("Markdown blocks around tables", () => {
  it("still renders headings, code, lists, quotes, rules and paragraphs", () => {
    expect(body("# Title\ntext **bold**\n\n```\n| a |\n|---|\n```\n> quoted\n1. one\n2. two\n***")).toBe(
      "<h1>Title</h1><p>text <strong>bold</strong></p>" +
        '<pre class="mono"><code>| a |\n|---|</code></pre>' +
        "<blockquote>quoted</blockquote><ol><li>one</li><li>two</li></ol><hr/>",
    );
  });
});

describe("Markdown source lines", () => {
  it("marks every block, list item and table row with the source line it came from", () => {
    const html = renderToStaticMarkup(
      <Markdown source={"# Title\n\nOne\ntwo\n\n- a\n- b\n\n| x |\n|---|\n| 1 |\n\n```\ncode\n```"} />,
    );
    expect(html).toContain('<h1 data-line="0" data-lines="1">');
    expect(html).toContain('<p data-line="2" data-lines="2">');
    expect(html).toContain('<li data-line="5" data-lines="1">a</li><li data-line="6" data-lines="1">b</li>');
    expect(html).toContain('<tr data-line="8" data-lines="1"><th>x</th></tr>');
    expect(html).toContain('<tr data-line="10" data-lines="1"><td>1</td></tr>');
    expect(html).toContain('<pre class="mono" data-line="13" data-lines="1">');
  });
});
