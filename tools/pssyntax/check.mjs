// Reports every syntax error the tree-sitter PowerShell grammar finds in the
// files named on the command line, as file:line:column, and exits 1 if any.
// Usage: node check.mjs internal/windows/scripts/*.ps1
import fs from 'node:fs';
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell';

const parser = new Parser();
parser.setLanguage(PowerShell);

let problems = 0;
for (const file of process.argv.slice(2)) {
  const source = fs.readFileSync(file, 'utf8');
  const tree = parser.parse(source, null, { bufferSize: 4 * 1024 * 1024 });
  const visit = (node) => {
    if (node.type === 'ERROR' || node.isMissing) {
      problems++;
      const excerpt = source.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 80));
      const what = node.isMissing ? `missing ${node.type}` : 'syntax error';
      console.log(`${file}:${node.startPosition.row + 1}:${node.startPosition.column + 1}: ${what}: ${JSON.stringify(excerpt)}`);
    }
    for (const child of node.children) visit(child);
  };
  visit(tree.rootNode);
}
console.log(`PowerShell syntax: ${process.argv.length - 2} files, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
