// The heat map of hot issues: street/town × kind of request, this month.
const hot = JSON.parse(document.getElementById("hot-data").textContent);
// Tooltips are HTML: names from the database are escaped before they go in.
const esc = echarts.format.encodeHTML;
const chart = echarts.init(document.getElementById("chart-hot"));
chart.setOption({
  tooltip: {position: "top", formatter: p => `${esc(hot.regions[p.data[0]])} · ${esc(hot.kinds[p.data[1]])}：${p.data[2]} 件`},
  grid: {left: 10, right: 20, top: 10, bottom: 70, containLabel: true},
  xAxis: {type: "category", data: hot.regions, splitArea: {show: true}, axisLabel: {interval: 0, rotate: 30}},
  yAxis: {type: "category", data: hot.kinds, splitArea: {show: true}},
  visualMap: {min: 0, max: Math.max(hot.max, 1), calculable: true, orient: "horizontal", left: "center", bottom: 0,
              inRange: {color: ["#fff5f0", "#fb6a4a", "#a50f15"]}},
  series: [{type: "heatmap", data: hot.cells, label: {show: true}}],
});
