// The demo shop's stylesheet (served as /demo/shop.css).
export const shopCss = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;background:#f7f5f2}
a{color:#0b5cad}
.top{display:flex;align-items:center;gap:28px;padding:14px 32px;background:#fff;border-bottom:1px solid #e7e2da;position:sticky;top:0;z-index:5}
.logo{font-weight:800;font-size:20px;text-decoration:none;color:#1f2937}.logo span{color:#b45309}
.top nav{display:flex;gap:18px;flex:1}.top nav a{text-decoration:none;color:#4b5563;font-weight:500}
.top nav a[aria-current=page]{color:#1f2937;border-bottom:2px solid #b45309}
.cart-link{text-decoration:none;font-weight:600;color:#1f2937}
.cart-count{display:inline-block;min-width:24px;padding:0 7px;margin-left:4px;border-radius:12px;background:#b45309;color:#fff;text-align:center}
main{max-width:1120px;margin:0 auto;padding:28px 32px 48px}
h1{font-size:30px;margin:0 0 12px}
.hero{background:linear-gradient(120deg,#fff7ed,#fff);border:1px solid #f3e3cf;border-radius:16px;padding:22px 26px;margin-bottom:24px}
.hero p{margin:0;color:#4b5563}
.shop,.checkout{display:grid;grid-template-columns:1fr 300px;gap:24px;align-items:start}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:18px}
.product{background:#fff;border:1px solid #e7e2da;border-radius:14px;padding:16px}
.product img{display:block;width:100%;height:auto;border-radius:10px}
.product h3{margin:12px 0 4px;font-size:17px}.product p{margin:0 0 12px;color:#6b7280;font-size:14px}
.buy{display:flex;align-items:center;justify-content:space-between}.price{font-weight:700}
button,.button{font:inherit;font-weight:600;border-radius:9px;border:1px solid #d6cfc4;background:#fff;padding:7px 14px;cursor:pointer;color:#1f2937;text-decoration:none;display:inline-block}
button.add,.primary,.button{background:#b45309;border-color:#b45309;color:#fff}
button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
.cart{background:#fff;border:1px solid #e7e2da;border-radius:14px;padding:18px;position:sticky;top:84px}
.cart h2{margin:0 0 10px;font-size:18px}.cart ul{list-style:none;margin:0;padding:0}
.cart li{display:flex;gap:8px;align-items:center;padding:6px 0;border-bottom:1px dashed #eee;font-size:14px}
.cart li .name{flex:1}.cart li.empty{color:#6b7280}.cart .remove{padding:2px 8px;font-size:12px}
.total{display:flex;justify-content:space-between;margin:12px 0}
.form fieldset{border:1px solid #e7e2da;border-radius:14px;background:#fff;padding:16px 18px;margin:0 0 16px}
.form legend{font-weight:700;padding:0 6px}
.form label{display:block;font-size:14px;font-weight:600;margin:10px 0 4px}
.form input:not([type=checkbox]),.form select{width:100%;font:inherit;padding:8px 10px;border:1px solid #cfc8bd;border-radius:8px;background:#fff}
.form .row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.form label.check{display:flex;gap:8px;align-items:center;font-weight:500;margin:0 0 16px}
.status{font-weight:600;color:#166534;min-height:1.5em}
.panel{background:#fff;border:1px solid #e7e2da;border-radius:14px;padding:16px 20px;margin-bottom:16px}
.panel h2{margin:0 0 8px;font-size:18px}
.chart{display:block;width:100%;max-width:560px;height:auto}
.faq{height:180px;overflow:auto;background:#fff;border:1px solid #e7e2da;border-radius:12px;padding:8px 16px;margin:16px 0 24px}
.chapter{background:#fff;border-radius:14px;padding:12px 20px;margin-bottom:14px;border:1px solid #eee}
.foot{text-align:center;color:#6b7280;font-size:13px;padding:24px}
@media (max-width:800px){.shop,.checkout{grid-template-columns:1fr}.top{flex-wrap:wrap;padding:12px 16px}main{padding:20px 16px}}
`;
