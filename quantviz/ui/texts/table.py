"""Strings of the shared table and chart helpers (quantviz.ui.shell, quantviz.ui.alt)."""

TEXT = {
    "table.yes": ("yes", "是"),
    "table.no": ("no", "否"),
    "alt.chart": ("Chart “{title}”: {body}.", "图表“{title}”：{body}。"),
    "alt.untitled": ("untitled", "无标题"),
    "alt.axis": ("{name} from {lo} to {hi}", "{name} 从 {lo} 到 {hi}"),
    "alt.series": ("series: {names}", "数据系列：{names}"),
    "alt.series_more": ("series: {names} and {k} more", "数据系列：{names} 等（另有 {k} 个）"),
    "alt.join": ("; ", "；"),
}
